/**
 * `kubectl sa usage`: what ServiceAccounts really did according to the audit log, joined (when an
 * inventory is given) with who exists and what each holds. Returns data; prints nothing.
 */
import type { Readable } from 'node:stream';
import type { InventoryNote } from '../inventory/inventory.js';
import { listAuditLogs, readListedAuditLogs, type AuditReadProgress, type AuditReadSummary } from '../sources/audit-log/read-audit-logs.js';
import { rbacResources } from '../sources/cluster/read-cluster.js';
import { auditLogThreadCount, planRanges, readInThreads, requestedThreads } from './audit-log-threads.js';
import { ExpectationMatcher, type Expectations } from '../usage/expectations.js';
import { UsageAggregator } from '../usage/usage-aggregator.js';
import { joinUsage, type ServiceAccountJoin } from '../usage/usage-join.js';
import type { InvalidatedTokenUsage, SeenWindow, ServiceAccountUsage, UsageLog } from '../usage/usage-types.js';
import type { Outcome, Warning } from './outcome.js';
import { modelWarnings, rbacModelFor } from './rbac-input.js';
import { readInput, requestNamespace, type InputOptions } from './read-input.js';

export interface AuditLogOptions {
  /** Files, folders of rotated logs, `-` for stdin. */
  readonly paths: readonly string[];
  readonly stdin?: Readable | undefined;
  readonly onProgress?: ((progress: AuditReadProgress) => void) | undefined;
  readonly expectations?: Expectations | undefined;
  /** Threads to read with (see auditLogThreadCount); default KUBECTL_SA_AUDIT_THREADS, else as many as fit the memory budget. */
  readonly threads?: number | undefined;
}

export interface AuditUsageOptions {
  readonly auditLog: AuditLogOptions;
  /**
   * The inventory to join with (files, or the live cluster), for unused ServiceAccounts and unused grants;
   * absent: the log alone (`--log-only`).
   */
  readonly input?: InputOptions | undefined;
  readonly defaultRbac: boolean;
  /** `-A`: every namespace; else `-n`, else the context's namespace on a live cluster (files and the log alone: all). */
  readonly allNamespaces: boolean;
  /** Only this ServiceAccount. */
  readonly serviceAccount?: { readonly namespace: string; readonly name: string } | undefined;
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
  /** The namespace the report is limited to; null: every namespace. */
  readonly namespace: string | null;
  readonly window: SeenWindow | null;
  readonly requests: number;
  readonly serviceAccountRequests: number;
  /** ServiceAccounts the log shows, before any limit to a namespace or one ServiceAccount. */
  readonly serviceAccountsInLog: number;
  readonly stagesFolded: number;
  readonly serviceAccounts: readonly ServiceAccountUsage[];
  readonly invalidatedTokens: readonly InvalidatedTokenUsage[];
  /** Present when joined with an inventory: every ServiceAccount in scope, used or not, with its grants' use. */
  readonly inventory: { readonly origin: 'files' | 'cluster'; readonly serviceAccounts: readonly ServiceAccountJoin[] } | null;
}

/**
 * Reads the audit logs once, streaming, into per-ServiceAccount aggregates: a large log by one thread per
 * core (audit-log-threads.ts), with the same answer.
 */
export async function aggregateAuditLogs(options: AuditLogOptions): Promise<{ log: UsageLog; summary: AuditReadSummary }> {
  const matcher = options.expectations ? new ExpectationMatcher(options.expectations) : undefined;
  const readOptions = {
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  // A bad setting fails before anything is read.
  const requested = options.threads ?? requestedThreads(process.env.KUBECTL_SA_AUDIT_THREADS);
  const warnings: string[] = [];
  const files = await listAuditLogs(options.paths, warnings);
  const threads = auditLogThreadCount(files, requested);
  if (threads > 1) {
    const read = await readInThreads(files, warnings, planRanges(files, threads), {
      ...readOptions,
      expectations: options.expectations,
      matcher,
    });
    if (read) return read;
  }
  const aggregator = new UsageAggregator(matcher ? { expectations: matcher } : {});
  const summary = await readListedAuditLogs(files, warnings, (event) => aggregator.add(event), readOptions);
  return { log: aggregator.finish(), summary };
}

export async function auditUsage(options: AuditUsageOptions): Promise<Outcome<UsageReport>> {
  // The inventory first: a cluster that cannot be read fails before a large log is read for nothing.
  const loaded = options.input ? await readInput(options.input, { resources: rbacResources }) : undefined;
  const model = loaded ? rbacModelFor(loaded.inventory, options) : undefined;
  const namespace = options.allNamespaces
    ? undefined
    : (options.input?.cluster.namespace ??
      (loaded?.connection ? requestNamespace(options.input?.cluster ?? {}, loaded.connection) : undefined));
  const { log, summary } = await aggregateAuditLogs(options.auditLog);
  const wanted = (ns: string, name: string) =>
    (namespace === undefined || namespace === ns) &&
    (options.serviceAccount === undefined || (options.serviceAccount.namespace === ns && options.serviceAccount.name === name));
  const joined = loaded && model ? joinUsage(log, loaded.inventory, model, { namespace }) : undefined;
  const warnings = [...(model ? modelWarnings(model, namespace) : []), ...auditLogWarnings(summary)];
  const notes: readonly InventoryNote[] = loaded?.inventory.notes ?? [];
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
      namespace: namespace ?? null,
      window: log.window,
      requests: log.requests,
      serviceAccountRequests: log.serviceAccountRequests,
      serviceAccountsInLog: log.serviceAccounts.length,
      stagesFolded: log.stagesFolded,
      serviceAccounts: log.serviceAccounts.filter((usage) => wanted(usage.namespace, usage.name)),
      invalidatedTokens: log.invalidatedTokens.filter((token) => namespace === undefined || token.secretNamespace === namespace),
      inventory:
        joined && loaded
          ? {
              origin: loaded.inventory.origin,
              serviceAccounts: joined.serviceAccounts.filter((account) => wanted(account.namespace, account.name)),
            }
          : null,
    },
    notes,
    warnings,
  };
}

/** What the reader says of the log itself: its own warnings, and the lines that were not events (the first few). */
export function auditLogWarnings(summary: AuditReadSummary): Warning[] {
  const warnings: Warning[] = summary.warnings.map((message) => ({ message }));
  if (summary.badLines > 0) {
    const where = summary.badLineSamples.map((bad) => `${bad.file}:${bad.line}: ${bad.reason}`).join('; ');
    warnings.push({
      message: `${summary.badLines} line(s) of the audit log are not audit.k8s.io/v1 events and were skipped (first: ${where})`,
    });
  }
  return warnings;
}
