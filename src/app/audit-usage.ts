/**
 * `kubectl sa usage`: what ServiceAccounts really did according to the audit log, joined (when an
 * inventory is given) with who exists and what each holds. Returns data; prints nothing.
 */
import type { Readable } from 'node:stream';
import type { Inventory } from '../inventory/inventory.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import { readAuditLogs, type AuditReadProgress, type AuditReadSummary } from '../sources/audit-log/read-audit-logs.js';
import type { Expectations } from '../usage/expectations.js';
import { UsageAggregator } from '../usage/usage-aggregator.js';
import { joinUsage, type ServiceAccountJoin } from '../usage/usage-join.js';
import type { InvalidatedTokenUsage, SeenWindow, ServiceAccountUsage, UsageLog } from '../usage/usage-types.js';

export interface AuditLogOptions {
  /** Files, folders of rotated logs, `-` for stdin. */
  readonly paths: readonly string[];
  readonly stdin?: Readable | undefined;
  readonly onProgress?: ((progress: AuditReadProgress) => void) | undefined;
  readonly expectations?: Expectations | undefined;
}

export interface AuditUsageOptions {
  readonly auditLog: AuditLogOptions;
  /** Only this namespace's ServiceAccounts; undefined: all. */
  readonly namespace?: string | undefined;
  /** Only this ServiceAccount. */
  readonly serviceAccount?: { readonly namespace: string; readonly name: string } | undefined;
  /** The inventory and its RBAC model, for unused ServiceAccounts and unused grants; absent: the log alone. */
  readonly join?: { readonly inventory: Inventory; readonly model: RbacModel } | undefined;
}

export interface AuditLogSummary {
  readonly files: AuditReadSummary['files'];
  readonly lines: number;
  readonly events: number;
  readonly badLines: number;
  readonly badLineSamples: AuditReadSummary['badLineSamples'];
  readonly badLinesByReason: AuditReadSummary['badLinesByReason'];
}

export interface UsageReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'ServiceAccountUsage';
  readonly auditLog: AuditLogSummary;
  readonly window: SeenWindow | null;
  readonly requests: number;
  readonly serviceAccountRequests: number;
  readonly stagesFolded: number;
  readonly serviceAccounts: readonly ServiceAccountUsage[];
  readonly invalidatedTokens: readonly InvalidatedTokenUsage[];
  /** Present when joined with an inventory: every ServiceAccount in scope, used or not, with its grants' use. */
  readonly inventory: { readonly origin: 'files' | 'cluster'; readonly serviceAccounts: readonly ServiceAccountJoin[] } | null;
}

export interface UsageOutcome {
  readonly data: UsageReport;
  readonly warnings: readonly string[];
}

/** Reads the audit logs once, streaming, into per-ServiceAccount aggregates. */
export async function aggregateAuditLogs(options: AuditLogOptions): Promise<{ log: UsageLog; summary: AuditReadSummary }> {
  const aggregator = new UsageAggregator(options.expectations ? { expectations: options.expectations } : {});
  const summary = await readAuditLogs(options.paths, (event) => aggregator.add(event), {
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { log: aggregator.finish(), summary };
}

export async function auditUsage(options: AuditUsageOptions): Promise<UsageOutcome> {
  const { log, summary } = await aggregateAuditLogs(options.auditLog);
  const wanted = (namespace: string, name: string) =>
    (options.namespace === undefined || options.namespace === namespace) &&
    (options.serviceAccount === undefined || (options.serviceAccount.namespace === namespace && options.serviceAccount.name === name));
  const joined = options.join ? joinUsage(log, options.join.inventory, options.join.model, { namespace: options.namespace }) : undefined;
  const warnings = [...summary.warnings];
  if (summary.badLines > 0) {
    const where = summary.badLineSamples.map((bad) => `${bad.file}:${bad.line}: ${bad.reason}`).join('; ');
    warnings.push(`${summary.badLines} line(s) of the audit log are not audit.k8s.io/v1 events and were skipped (first: ${where})`);
  }
  return {
    data: {
      apiVersion: 'kubectl-sa.dev/v1',
      kind: 'ServiceAccountUsage',
      auditLog: {
        files: summary.files,
        lines: summary.lines,
        events: summary.events,
        badLines: summary.badLines,
        badLineSamples: summary.badLineSamples,
        badLinesByReason: summary.badLinesByReason,
      },
      window: log.window,
      requests: log.requests,
      serviceAccountRequests: log.serviceAccountRequests,
      stagesFolded: log.stagesFolded,
      serviceAccounts: log.serviceAccounts.filter((usage) => wanted(usage.namespace, usage.name)),
      invalidatedTokens: log.invalidatedTokens.filter(
        (token) => options.namespace === undefined || token.secretNamespace === options.namespace,
      ),
      inventory:
        joined && options.join
          ? {
              origin: options.join.inventory.origin,
              serviceAccounts: joined.serviceAccounts.filter((account) => wanted(account.namespace, account.name)),
            }
          : null,
    },
    warnings,
  };
}
