import type { Inventory, ObjectRef } from '../inventory/inventory.js';
import { groupOf } from '../inventory/object-scope.js';
import { fileChangesFor, type FileChange } from '../fixes/file-changes.js';
import { readTexts } from '../fixes/file-writer.js';
import { automountOptOutRequests, serviceAccountMoveRequests } from '../fixes/service-account-moves.js';
import { objectKey, planFixes, requestsForFindings, type FixPlan, type FixRequest, type SkippedFix } from '../fixes/plan.js';
import { clusterWriterFor, throughOwners } from './fix-live.js';
import { fixesOf } from '../policy/fix-index.js';
import type { Finding } from '../policy/finding.js';
import { severityRank, type Severity } from '../policy/pack-types.js';
import type { ClusterConnection } from '../sources/cluster/connect.js';
import type { Outcome } from './outcome.js';
import type { RbacView } from '../policy/derived/scan-context.js';
import { judge, type JudgeOptions } from './scan.js';

/** Which findings to fix: `--rule`, `--severity` (at or above), and for files `-n` (one namespace). */
export interface FindingSelection {
  readonly rules?: readonly string[] | undefined;
  readonly minSeverity?: Severity | undefined;
  readonly namespace?: string | undefined;
}

export interface FixPlanOptions extends JudgeOptions {
  readonly selection: FindingSelection;
}

export interface FixPlanResult {
  readonly origin: Inventory['origin'];
  readonly plan: FixPlan;
  /** Files: each edited file with its diff. */
  readonly files: readonly FileChange[];
  /** Findings selected whose rule names no fix (reported, not planned). */
  readonly withoutFix: readonly Finding[];
  readonly inventory: Inventory;
  readonly connection: ClusterConnection | undefined;
}

/** `kubectl sa fix`: a plan for every current finding that has a fix. Prints nothing, writes nothing. */
export async function planFix(options: FixPlanOptions): Promise<Outcome<FixPlanResult>> {
  // A mistyped -n must not pass as "nothing to fix".
  const judgement = await judge({ ...options, input: { ...options.input, requireNamespace: true } });
  const findings = judgement.evaluation.findings.filter((finding) => selected(finding, options.selection));
  const { requests, skipped } = requestsForFindings(findings, fixesOf(judgement.packs));
  const result = await planRequests(requests, judgement.inventory, judgement.connection, skipped, judgement.rbac);
  return {
    data: { ...result, withoutFix: findings.filter((finding) => finding.fix === undefined) },
    notes: judgement.inventory.notes,
    warnings: judgement.warnings,
  };
}

/** Plans requests against the inventory; for files, also each file's edited text and diff. */
export async function planRequests(
  given: readonly FixRequest[],
  inventory: Inventory,
  connection: ClusterConnection | undefined,
  skippedBefore: readonly SkippedFix[] = [],
  rbac?: RbacView,
): Promise<Omit<FixPlanResult, 'withoutFix'>> {
  let requests = given;
  let lookup = (ref: ObjectRef) => inventory.find(groupOf(ref.apiVersion), ref.kind, ref.namespace, ref.name);
  let skippedLive: SkippedFix[] = [];
  if (inventory.origin === 'cluster' && connection) {
    const through = await throughOwners(requests, lookup, await clusterWriterFor(connection));
    requests = through.requests;
    skippedLive = through.skipped;
    const owners = new Map(through.owners.map((entry) => [objectKey(entry.ref), entry]));
    const fromInventory = lookup;
    lookup = (ref) => owners.get(objectKey(ref)) ?? fromInventory(ref);
  }
  // The planner's care for what workloads use: a plan that moves a workload to another ServiceAccount, or
  // turns a ServiceAccount's automount off, is planned again with the requests that keep their access.
  const holdsPermissions = (namespace: string, name: string) => rbac?.serviceAccount(namespace, name)?.baselineOnly === false;
  const first = planFixes(requests, lookup);
  const keep = [
    ...serviceAccountMoveRequests(first, inventory, holdsPermissions),
    ...automountOptOutRequests(first, inventory, holdsPermissions),
  ];
  const planned = keep.length > 0 ? planFixes([...requests, ...keep], lookup) : first;
  let plan: FixPlan = { ...planned, skipped: [...skippedBefore, ...skippedLive, ...planned.skipped] };
  let files: readonly FileChange[] = [];
  if (inventory.origin === 'files') {
    const writable = plan.changes.flatMap((change) => (change.source && change.source.template === undefined ? [change.source.file] : []));
    const texts = await readTexts(writable.filter((file) => file !== '<stdin>'));
    const changeSet = fileChangesFor(plan, texts);
    files = changeSet.files;
    const refused = new Set(changeSet.refused.map((entry) => entry.object));
    plan = {
      ...plan,
      changes: plan.changes.filter((change) => !refused.has(change.object)),
      skipped: [...plan.skipped, ...changeSet.refused],
    };
  }
  return { origin: inventory.origin, plan, files, inventory, connection };
}

function selected(finding: Finding, selection: FindingSelection): boolean {
  if (selection.rules && selection.rules.length > 0 && !selection.rules.includes(finding.ruleId)) return false;
  if (selection.minSeverity && severityRank(finding.severity) > severityRank(selection.minSeverity)) return false;
  if (selection.namespace !== undefined && finding.object.namespace !== selection.namespace) return false;
  return true;
}
