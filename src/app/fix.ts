import { STDIN_NAME, type Inventory, type InventoryEntry, type ObjectRef } from '../inventory/inventory.js';
import { groupOf } from '../inventory/object-scope.js';
import { fileChangesFor, type FileChange } from '../fixes/file-changes.js';
import { readTexts } from '../fixes/file-writer.js';
import { automountOptOutRequests, serviceAccountMoveRequests } from '../fixes/service-account-moves.js';
import { labelOf, objectKey, planFixes, requestsForFindings, type FixPlan, type FixRequest, type SkippedFix } from '../fixes/plan.js';
import { refOf } from '../fixes/cluster-writer.js';
import { UsageError } from '../errors/kubectl-sa-error.js';
import { clusterWriterFor, throughOwners } from './fix-live.js';
import { fixesOf } from '../policy/fix-index.js';
import type { Finding } from '../policy/finding.js';
import { severityRank, type Severity } from '../policy/pack-types.js';
import type { ClusterConnection } from '../sources/cluster/connect.js';
import type { Outcome } from './outcome.js';
import type { RbacView } from '../policy/derived/scan-context.js';
import { judge, type JudgeOptions, type Judgement } from './scan.js';

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
  // A mistyped --rule must not pass as "nothing to fix" either.
  const known = new Set(judgement.packs.flatMap((pack) => pack.rules.map((rule) => rule.id)));
  const unknown = (options.selection.rules ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new UsageError(`--rule: no rule with id ${unknown.join(', ')}`, { hint: 'list rules with: kubectl sa policy list' });
  const findings = judgement.evaluation.findings.filter((finding) => selected(finding, options.selection));
  return { data: await planFindingFixes(judgement, findings), notes: judgement.inventory.notes, warnings: judgement.warnings };
}

/**
 * A plan for these findings of input already judged: what `fix` plans after its scan, and what the TUI's `f`
 * plans for the finding selected, without reading or judging again.
 */
export async function planFindingFixes(
  judgement: Pick<Judgement, 'packs' | 'inventory' | 'connection' | 'rbac'>,
  findings: readonly Finding[],
): Promise<FixPlanResult> {
  const { requests, skipped } = requestsForFindings(findings, fixesOf(judgement.packs));
  const result = await planRequests(requests, judgement.inventory, judgement.connection, skipped, judgement.rbac);
  return { ...result, withoutFix: findings.filter((finding) => finding.fix === undefined) };
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
  const planWithAccessKept = (base: readonly FixRequest[]) => {
    const first = planFixes(base, lookup);
    const keep = [
      ...serviceAccountMoveRequests(first, inventory, holdsPermissions),
      ...automountOptOutRequests(first, inventory, holdsPermissions),
    ];
    return { keep, planned: keep.length > 0 ? planFixes([...base, ...keep], lookup) : first };
  };
  const skippedFirst = [...skippedBefore, ...skippedLive];
  if (inventory.origin !== 'files') {
    const { planned } = planWithAccessKept(requests);
    return {
      origin: inventory.origin,
      plan: { ...planned, skipped: [...skippedFirst, ...planned.skipped] },
      files: [],
      inventory,
      connection,
    };
  }
  // Files: a change that cannot be written (Helm-rendered, stdin, an anchored node) is left out with its
  // reason, and so is every change that needed it to keep a workload's access; the rest is planned again.
  let base = requests;
  const refusedSoFar: SkippedFix[] = [];
  let texts: ReadonlyMap<string, string> | undefined;
  for (;;) {
    const { keep, planned } = planWithAccessKept(base);
    const plan: FixPlan = { ...planned, skipped: [...skippedFirst, ...refusedSoFar, ...planned.skipped] };
    if (texts === undefined) {
      const writable = plan.changes.flatMap((change) =>
        change.source && change.source.template === undefined ? [change.source.file] : [],
      );
      texts = await readTexts(writable.filter((file) => file !== STDIN_NAME));
    }
    const changeSet = fileChangesFor(plan, texts);
    const { left, skipped } = requestsToLeave(changeSet.refused, base, keep, lookup);
    if (left.size === 0) {
      const refused = new Set(changeSet.refused.map((entry) => entry.object));
      return {
        origin: inventory.origin,
        plan: {
          ...plan,
          changes: plan.changes.filter((change) => !refused.has(change.object)),
          skipped: [...plan.skipped, ...changeSet.refused],
        },
        files: changeSet.files,
        inventory,
        connection,
      };
    }
    refusedSoFar.push(...skipped);
    base = base.filter((request) => !left.has(request));
  }
}

/**
 * The requests that must go once `refused` cannot be written: those on each refused object, the one that
 * creates a refused new object, and every request on an object a refused request kept access for (a workload
 * moved to a ServiceAccount its bindings could not follow); `skipped` says why, the refusals first.
 */
function requestsToLeave(
  refused: readonly SkippedFix[],
  base: readonly FixRequest[],
  keep: readonly FixRequest[],
  lookup: (ref: ObjectRef) => InventoryEntry | undefined,
): { left: Set<FixRequest>; skipped: SkippedFix[] } {
  const left = new Set<FixRequest>();
  const skipped: SkippedFix[] = [...refused];
  if (refused.length === 0) return { left, skipped };
  // Indexed once, so a render refused as a whole (thousands of Helm objects) costs linear time.
  const index = (pairs: Iterable<readonly [string, FixRequest]>) => {
    const map = new Map<string, FixRequest[]>();
    for (const [key, request] of pairs) {
      const list = map.get(key);
      if (list) list.push(request);
      else map.set(key, [request]);
    }
    return map;
  };
  const onObject = index(base.map((request) => [objectKey(request.object), request] as const));
  const creating = index(
    base.flatMap((request) => (request.creates ?? []).map((created) => [objectKey(refOf(created)), request] as const)),
  );
  const keeping = index(keep.map((request) => [objectKey(request.object), request] as const));
  const leave = (requests: readonly FixRequest[], entry?: SkippedFix) => {
    const fresh = requests.filter((request) => !left.has(request));
    for (const request of fresh) left.add(request);
    if (entry && fresh.length > 0) skipped.push(entry);
  };
  for (const entry of refused) {
    const key = objectKey(entry.object);
    leave(onObject.get(key) ?? []);
    for (const request of creating.get(key) ?? [])
      leave([request], {
        object: request.object,
        source: lookup(request.object)?.source,
        reasons: [request.reason],
        reason: `not done: ${labelOf(entry.object)}, which this fix creates, cannot be written (${entry.reason})`,
      });
    for (const request of keeping.get(key) ?? [])
      if (request.supports)
        leave(onObject.get(objectKey(request.supports)) ?? [], {
          object: request.supports,
          source: lookup(request.supports)?.source,
          reasons: [request.reason],
          reason: `left as it is: without ${labelOf(entry.object)} changed too it would lose access it has (${entry.reason})`,
        });
  }
  return { left, skipped };
}

function selected(finding: Finding, selection: FindingSelection): boolean {
  if (selection.rules && selection.rules.length > 0 && !selection.rules.includes(finding.ruleId)) return false;
  if (selection.minSeverity && severityRank(finding.severity) > severityRank(selection.minSeverity)) return false;
  if (selection.namespace !== undefined && finding.object.namespace !== selection.namespace) return false;
  return true;
}
