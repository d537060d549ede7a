import type { ObjectRef, SourceLocation } from '../inventory/inventory.js';
import type { PatchOperation } from '../fixes/json-patch.js';
import type { FixPlan, FixReason, PlanEntry, PlannedChange, SkippedFix } from '../fixes/plan.js';
import { definePrinters } from './printers.js';

/** What a fix run did or would do with one change. */
export type ChangeOutcome =
  | 'planned' // shown only (files without --write, --dry-run=client)
  | 'dry-run' // the API server accepted it in a dry run (--dry-run=server)
  | 'applied' // written or patched
  | 'already-compliant' // found in effect when applied (a re-read after a conflict)
  | 'failed';

/** The documented `kubectl sa fix -o json` shape (docs/fixes.md). */
export interface FixReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'FixPlan';
  readonly origin: 'files' | 'cluster';
  /** files: client (diff only) or none (--write); cluster: client, server or none. */
  readonly dryRun: 'client' | 'server' | 'none';
  readonly summary: {
    readonly changes: number;
    readonly files: number;
    readonly compliant: number;
    readonly skipped: number;
    /** Selected findings whose rule names no fix. */
    readonly withoutFix: number;
    readonly failed: number;
  };
  readonly changes: readonly {
    readonly action: PlannedChange['action'];
    readonly object: ObjectRef;
    readonly source: SourceLocation | null;
    readonly pointer: string;
    readonly fixes: readonly FixReason[];
    readonly patch: readonly PatchOperation[];
    readonly outcome: ChangeOutcome;
    /** What happened, in words: a conflict re-read and re-planned, the server's refusal… */
    readonly notes: readonly string[];
    /** kubectl diff style: the object's YAML before and after (cluster), or empty (files: see `files`). */
    readonly diff: string;
  }[];
  readonly files: readonly { readonly file: string; readonly diff: string }[];
  readonly compliant: readonly Entry[];
  readonly skipped: readonly (Entry & { readonly reason: string })[];
  /** Set once a backup was written: `kubectl sa fix --undo BACKUP` restores it. */
  readonly backup: string | null;
}

interface Entry {
  readonly object: ObjectRef;
  readonly source: SourceLocation | null;
  readonly fixes: readonly FixReason[];
}

export interface ChangeResult {
  readonly outcome: ChangeOutcome;
  readonly notes: readonly string[];
  readonly diff: string;
}

export function fixReport(options: {
  readonly origin: 'files' | 'cluster';
  readonly dryRun: FixReport['dryRun'];
  readonly plan: FixPlan;
  readonly files: readonly { readonly file: string; readonly diff: string }[];
  readonly withoutFix: number;
  readonly results?: ReadonlyMap<PlannedChange, ChangeResult>;
  readonly backup?: string | undefined;
}): FixReport {
  const defaultOutcome: ChangeOutcome = options.dryRun === 'none' ? 'applied' : options.dryRun === 'server' ? 'dry-run' : 'planned';
  const changes = options.plan.changes.map((change) => {
    const result = options.results?.get(change);
    return {
      action: change.action,
      object: change.object,
      source: change.source ?? null,
      pointer: change.pointer,
      fixes: change.reasons,
      patch: change.patch,
      outcome: result?.outcome ?? defaultOutcome,
      notes: result?.notes ?? [],
      diff: result?.diff ?? '',
    };
  });
  const entry = (item: PlanEntry) => ({ object: item.object, source: item.source ?? null, fixes: item.reasons });
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'FixPlan',
    origin: options.origin,
    dryRun: options.dryRun,
    summary: {
      changes: changes.length,
      files: options.files.length,
      compliant: options.plan.compliant.length,
      skipped: options.plan.skipped.length,
      withoutFix: options.withoutFix,
      failed: changes.filter((change) => change.outcome === 'failed').length,
    },
    changes,
    files: options.files.map(({ file, diff }) => ({ file, diff })),
    compliant: options.plan.compliant.map(entry),
    skipped: options.plan.skipped.map((item: SkippedFix) => ({ ...entry(item), reason: item.reason })),
    backup: options.backup ?? null,
  };
}

const label = (object: ObjectRef) => `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
const where = (source: SourceLocation | null) => (source ? `  (${source.file}:${source.line})` : '');

/**
 * The plan as a reviewer reads it: what changes and why, what is already in effect, what was skipped and
 * why, then the diffs. Ends with the line that says what to type next.
 */
function renderFixTable(report: FixReport): string {
  const out: string[] = [];
  const verb = report.dryRun === 'none' ? 'Changed' : 'Would change';
  if (report.changes.length === 0) {
    out.push(
      report.skipped.length > 0
        ? 'Nothing to change that can be changed here (see below).'
        : `Nothing to change: already compliant${report.compliant.length > 0 ? ` (${report.compliant.length} object(s) checked)` : ''}.`,
    );
  } else {
    out.push(`${verb} ${report.changes.length} object(s)${report.origin === 'files' ? ` in ${report.files.length} file(s)` : ''}:`);
    for (const change of report.changes) {
      const state = change.outcome === 'planned' || change.outcome === 'applied' ? '' : ` [${change.outcome}]`;
      out.push(`  ${change.action === 'create' ? 'create ' : ''}${label(change.object)}${where(change.source)}${state}`);
      for (const fix of change.fixes) out.push(`    ${fix.ruleId} → ${fix.title}`);
      for (const note of change.notes) out.push(`    note: ${note}`);
    }
  }
  if (report.compliant.length > 0 && report.changes.length > 0) {
    out.push(`Already compliant: ${report.compliant.map((item) => label(item.object)).join(', ')}`);
  }
  if (report.skipped.length > 0) {
    out.push('Not fixed:');
    for (const item of report.skipped) out.push(`  ${label(item.object)}${where(item.source)}: ${item.reason}`);
  }
  if (report.summary.withoutFix > 0)
    out.push(`${report.summary.withoutFix} finding(s) have no automatic fix: kubectl sa scan shows their remediation.`);
  const diffs = [...report.files.map((file) => file.diff), ...report.changes.map((change) => change.diff)].filter((diff) => diff !== '');
  if (diffs.length > 0) out.push('', ...diffs.map((diff) => diff.replace(/\n$/, '')));
  if (report.backup) out.push('', `backup: ${report.backup} (undo with: kubectl sa fix --undo ${report.backup})`);
  return `${out.join('\n')}\n`;
}

export const fixPrinters = definePrinters<FixReport>({ document: (report) => report, table: renderFixTable });
