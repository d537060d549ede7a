import type { InventoryEntry, ObjectRef, SourceLocation } from '../inventory/inventory.js';
import type { KubeObject } from '../inventory/kube-object.js';
import type { CompiledFix } from '../policy/compile-pack.js';
import type { Finding } from '../policy/finding.js';
import { FixTemplateError, fixContextOf, renderFixCreates, renderFixPatch } from './fix-template.js';
import { applyPatch, deepEqual, PatchError, type PatchOperation } from './json-patch.js';

/** Why an object is in the plan: the finding and the fix that answers it. */
export interface FixReason {
  readonly ruleId: string;
  readonly fixId: string;
  /** The fix's title: what it does. */
  readonly title: string;
  /** The finding's message. */
  readonly message: string;
}

/** One object to change: the JSON Patch for its source, and the object before and after. */
export interface PlannedChange {
  readonly action: 'patch' | 'create';
  readonly object: ObjectRef;
  /** Where the object is written: its file:line, or nothing for a live object. A created object goes after `source`'s object. */
  readonly source: SourceLocation | undefined;
  /** Every operation, preconditions (`test`) included, in order; empty for a created object. */
  readonly patch: readonly PatchOperation[];
  readonly before: KubeObject | undefined;
  readonly after: KubeObject;
  /** The first field the change sets or removes, as a JSON pointer into the source object. */
  readonly pointer: string;
  readonly reasons: readonly FixReason[];
  /** Other objects whose changes this one keeps from taking access away: it is made before them, and they not without it. */
  readonly supports?: readonly ObjectRef[];
}

export interface PlanEntry {
  readonly object: ObjectRef;
  readonly source: SourceLocation | undefined;
  readonly reasons: readonly FixReason[];
}

/** A fix that was not planned, and why (precondition failed, not in the input, no such fix). */
export interface SkippedFix extends PlanEntry {
  readonly reason: string;
}

/** Pure data: printed, diffed and tested before any writer applies it. */
export interface FixPlan {
  readonly changes: readonly PlannedChange[];
  /** Objects where the fixes are already in effect: nothing to do (a second run lands here). */
  readonly compliant: readonly PlanEntry[];
  readonly skipped: readonly SkippedFix[];
}

export type ObjectLookup = (ref: ObjectRef) => InventoryEntry | undefined;

/** A fix to plan for one object: the reason and its rendered operations. */
export interface FixRequest {
  readonly object: ObjectRef;
  readonly reason: FixReason;
  readonly patch: readonly PatchOperation[];
  /** Objects to create beside the patch; placed after the object (same file) when written to files. */
  readonly creates?: readonly KubeObject[];
  /**
   * The object whose change this request keeps from taking access away (a binding extended to the
   * ServiceAccount a workload moves to): when this request cannot be made, neither may that change.
   */
  readonly supports?: ObjectRef;
}

/**
 * Turns findings into fix requests: each finding whose rule names a fix gets that fix's patch, rendered
 * against the finding's target document. Findings whose fix is unknown or does not render are skipped
 * with the reason. Pure.
 */
export function requestsForFindings(
  findings: readonly Finding[],
  fixes: ReadonlyMap<string, CompiledFix>,
): { requests: FixRequest[]; skipped: SkippedFix[] } {
  const requests: FixRequest[] = [];
  const skipped: SkippedFix[] = [];
  for (const finding of findings) {
    if (finding.fix === undefined) continue;
    const fix = fixes.get(finding.fix);
    const reason: FixReason = {
      ruleId: finding.ruleId,
      fixId: finding.fix,
      title: fix?.spec.title ?? finding.fix,
      message: finding.message,
    };
    const entry = { object: finding.object, source: finding.source, reasons: [reason] };
    if (!fix) {
      skipped.push({ ...entry, reason: `rule ${finding.ruleId} names fix ${finding.fix}, which no loaded pack defines` });
      continue;
    }
    if (fix.spec.command !== undefined) {
      const why = `fixed by another command: ${fix.spec.command}${finding.object.namespace ? ` -n ${finding.object.namespace}` : ''}`;
      // Several rules on one object (SA004 and SA006 on a token Secret) that the same command fixes: one entry.
      const same = skipped.findIndex((other) => other.reason === why && objectKey(other.object) === objectKey(finding.object));
      const earlier = skipped[same];
      if (earlier) skipped[same] = { ...earlier, reasons: uniqueReasons([...earlier.reasons, reason]) };
      else skipped.push({ ...entry, reason: why });
      continue;
    }
    try {
      const context = fixContextOf(finding.document);
      const creates = renderFixCreates(fix, context) as unknown as KubeObject[];
      requests.push({ object: finding.object, reason, patch: renderFixPatch(fix, context), ...(creates.length > 0 ? { creates } : {}) });
    } catch (error) {
      if (!(error instanceof FixTemplateError)) throw error;
      skipped.push({ ...entry, reason: `fix ${fix.id} does not apply here: ${error.message}` });
    }
  }
  return { requests, skipped };
}

/**
 * The pure planner: every request for the same object is applied in order to that object's source (so two
 * fixes on one Deployment become one change), and the result is compared with the object. Unchanged means
 * already compliant; a failed `test` means the object is not what the fix expects, and it is skipped with
 * that reason, never forced.
 */
export function planFixes(requests: readonly FixRequest[], lookup: ObjectLookup): FixPlan {
  const created = planCreates(requests, lookup);
  const byObject = new Map<string, { object: ObjectRef; requests: FixRequest[] }>();
  for (const request of requests) {
    const key = objectKey(request.object);
    const group = byObject.get(key);
    if (group) group.requests.push(request);
    else byObject.set(key, { object: request.object, requests: [request] });
  }
  const changes: PlannedChange[] = [];
  const compliant: PlanEntry[] = [];
  const skipped: SkippedFix[] = [];
  for (const { object, requests: group } of byObject.values()) {
    const reasons = uniqueReasons(group.map((request) => request.reason));
    const entry = lookup(object);
    if (isSecret(object)) {
      skipped.push({ object, source: entry?.source, reasons, reason: secretRefusal });
      continue;
    }
    if (!entry) {
      skipped.push({ object, source: undefined, reasons, reason: `${labelOf(object)} is not in the input${notInInputHint(object)}` });
      continue;
    }
    const patch = group.flatMap((request) => request.patch);
    let after: KubeObject;
    try {
      after = applyPatch(entry.object, patch);
    } catch (error) {
      if (!(error instanceof PatchError)) throw error;
      const why = error.precondition ? 'a precondition of the fix does not hold' : "the fix's patch does not apply";
      skipped.push({ object, source: entry.source, reasons, reason: `${why}: ${error.message}` });
      continue;
    }
    if (deepEqual(after, entry.object)) {
      compliant.push({ object, source: entry.source, reasons });
      continue;
    }
    const supports = uniqueRefs(group.flatMap((request) => request.supports ?? [])).filter((ref) => objectKey(ref) !== objectKey(object));
    changes.push({
      action: 'patch',
      object,
      source: entry.source,
      patch,
      before: entry.object,
      after,
      pointer: patch.find((operation) => operation.op !== 'test')?.path ?? '',
      reasons,
      ...(supports.length > 0 ? { supports } : {}),
    });
  }
  return {
    changes: [...created.changes, ...changes].sort(byPlace),
    compliant: [...created.compliant, ...compliant].sort(byPlace),
    skipped,
  };
}

/** Plans read in file order (a created object right after the one it belongs to), then by object. */
function byPlace(a: PlanEntry & { action?: string }, b: PlanEntry & { action?: string }): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    text(a.source?.file ?? '', b.source?.file ?? '') ||
    (a.source?.line ?? 0) - (b.source?.line ?? 0) ||
    text(a.action ?? '', b.action ?? '') * -1 ||
    text(labelOf(a.object), labelOf(b.object))
  );
}

/** Objects fixes create, once each; one that exists already is left as it is (and counts as in effect). */
function planCreates(requests: readonly FixRequest[], lookup: ObjectLookup): { changes: PlannedChange[]; compliant: PlanEntry[] } {
  const changes: PlannedChange[] = [];
  const compliant: PlanEntry[] = [];
  const seen = new Set<string>();
  for (const request of requests) {
    for (const object of request.creates ?? []) {
      const ref: ObjectRef = {
        apiVersion: object.apiVersion,
        kind: object.kind,
        ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
        name: object.metadata?.name ?? '',
      };
      const key = objectKey(ref);
      if (seen.has(key)) continue;
      seen.add(key);
      const existing = lookup(ref);
      if (existing) {
        compliant.push({ object: ref, source: existing.source, reasons: [request.reason] });
        continue;
      }
      const anchor = lookup(request.object);
      changes.push({
        action: 'create',
        object: ref,
        source: anchor?.source,
        patch: [],
        before: undefined,
        after: object,
        pointer: '',
        reasons: [request.reason],
      });
    }
  }
  return { changes, compliant };
}

/**
 * A fix never changes a Secret: changing one means reading it (a live object is listed as metadata only, and its
 * values must not reach a diff, a backup or a 409's re-read), and the one fix a token Secret needs is a migration
 * of its readers (kubectl sa token legacy --migrate), not a patch.
 */
const secretRefusal =
  'a fix never reads or changes a Secret (its values would reach diffs and backups): change it by hand, or use kubectl sa token legacy --migrate for token Secrets';

function isSecret(ref: ObjectRef): boolean {
  return ref.kind === 'Secret' && ref.apiVersion === 'v1';
}

/**
 * The order changes are made in on a cluster (and in a script): created objects first (a workload never points
 * at a ServiceAccount that does not exist yet), then the changes that keep others' access (a binding extended to
 * the ServiceAccount a workload moves to, a workload opting in before its ServiceAccount opts out), then the rest.
 */
export function inApplyOrder(changes: readonly PlannedChange[]): PlannedChange[] {
  const rank = (change: PlannedChange) => (change.action === 'create' ? 0 : change.supports ? 1 : 2);
  return [...changes].sort((a, b) => rank(a) - rank(b));
}

function uniqueRefs(refs: readonly ObjectRef[]): ObjectRef[] {
  return [...new Map(refs.map((ref) => [objectKey(ref), ref])).values()];
}

function uniqueReasons(reasons: readonly FixReason[]): FixReason[] {
  const seen = new Set<string>();
  return reasons.filter((reason) => {
    const key = `${reason.ruleId}\u0000${reason.fixId}\u0000${reason.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function notInInputHint(object: ObjectRef): string {
  return object.kind === 'ServiceAccount'
    ? ' (the control plane creates it): declare it in your manifests to fix it there, or fix the live cluster'
    : '';
}

export function objectKey(ref: ObjectRef): string {
  return `${ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : ''}\u0000${ref.kind}\u0000${ref.namespace ?? ''}\u0000${ref.name}`;
}

export function labelOf(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
