import { buildInventory, type Inventory, type ObjectRef } from '../inventory/inventory.js';
import { groupOf } from '../inventory/object-scope.js';
import type { CompiledFix, CompiledPack } from '../policy/compile-pack.js';
import type { RbacView } from '../policy/derived/scan-context.js';
import { evaluatePolicies } from '../policy/evaluate.js';
import type { Finding } from '../policy/finding.js';
import type { PackTestCase, PackTestSuite } from '../policy/pack-tests.js';
import { labelOf, objectKey, planFixes, requestsForFindings } from './plan.js';

/** One fix run on one fixture finding: before → after. */
export interface FixCaseResult {
  readonly suite: PackTestSuite;
  readonly testCase: PackTestCase;
  readonly ruleId: string;
  readonly fixId: string;
  readonly object: string;
  /** Empty when the fix applied, made the finding go away, and a second plan changed nothing. */
  readonly failures: readonly string[];
}

export interface FixCaseOptions {
  readonly rbacFor?: (inventory: Inventory) => RbacView;
  readonly now?: Date;
}

/**
 * Runs every patch fix on the fixture cases that expect its rule to fire, the way `kubectl sa fix` would: the
 * plan must apply (its `test` preconditions hold), the finding must be gone once the objects are replaced by
 * the plan's (created objects added), and planning again must change nothing. Pure: fixtures in, results out.
 */
export function checkFixesOnCases(
  packs: readonly CompiledPack[],
  suites: readonly PackTestSuite[],
  fixes: ReadonlyMap<string, CompiledFix>,
  options: FixCaseOptions = {},
): FixCaseResult[] {
  const results: FixCaseResult[] = [];
  for (const suite of suites) {
    const pack = packs.find((candidate) => candidate.name === suite.pack);
    if (!pack) continue;
    const now = suite.now ? new Date(suite.now) : (options.now ?? new Date());
    const judge = (objects: readonly unknown[]) => {
      const inventory = buildInventory(
        objects.map((value) => ({ value })),
        { defaultNamespace: 'default', origin: 'files' },
      );
      const rbac = options.rbacFor?.(inventory);
      return { inventory, findings: evaluatePolicies(inventory, [pack], { now, ...(rbac ? { rbac } : {}) }).findings };
    };
    for (const testCase of suite.cases) {
      const before = judge(testCase.objects);
      for (const finding of before.findings) {
        const fix = finding.fix === undefined ? undefined : fixes.get(finding.fix);
        if (!fix || fix.spec.command !== undefined) continue;
        // The rule's own cases (what the case expects), on objects the case declares: an implicit default
        // ServiceAccount is fixed on a cluster, not in files.
        if (!(testCase.expect ?? []).some((expectation) => expectation.rule === finding.ruleId)) continue;
        if (!before.inventory.find(groupOf(finding.object.apiVersion), finding.object.kind, finding.object.namespace, finding.object.name))
          continue;
        results.push({
          suite,
          testCase,
          ruleId: finding.ruleId,
          fixId: fix.id,
          object: labelOf(finding.object),
          failures: runFix(finding, fixes, before, judge),
        });
      }
    }
  }
  return results;
}

function runFix(
  finding: Finding,
  fixes: ReadonlyMap<string, CompiledFix>,
  before: { inventory: Inventory; findings: readonly Finding[] },
  judge: (objects: readonly unknown[]) => { inventory: Inventory; findings: readonly Finding[] },
): string[] {
  const lookupIn = (inventory: Inventory) => (ref: ObjectRef) => inventory.find(groupOf(ref.apiVersion), ref.kind, ref.namespace, ref.name);
  const { requests, skipped } = requestsForFindings([finding], fixes);
  if (skipped.length > 0) return skipped.map((entry) => `fix ${finding.fix} does not apply: ${entry.reason}`);
  const plan = planFixes(requests, lookupIn(before.inventory));
  if (plan.skipped.length > 0) return plan.skipped.map((entry) => `fix ${finding.fix} does not apply: ${entry.reason}`);
  if (plan.changes.length === 0) return [`fix ${finding.fix} changes nothing, yet ${finding.ruleId} fires`];
  const replaced = new Map(
    plan.changes.filter((change) => change.action === 'patch').map((change) => [objectKey(change.object), change.after]),
  );
  const objects = [
    ...before.inventory.entries.map((entry) => replaced.get(objectKey(entry.ref)) ?? entry.object),
    ...plan.changes.filter((change) => change.action === 'create').map((change) => change.after),
  ];
  const after = judge(objects);
  const failures: string[] = [];
  const still = after.findings.find(
    (candidate) => candidate.ruleId === finding.ruleId && objectKey(candidate.object) === objectKey(finding.object),
  );
  if (still) failures.push(`after fix ${finding.fix}, ${finding.ruleId} still fires on ${labelOf(finding.object)}: ${still.message}`);
  // The same fix again on what it left: nothing more to change.
  const again = planFixes(requests, lookupIn(after.inventory));
  if (again.changes.length > 0)
    failures.push(
      `fix ${finding.fix} is not idempotent: a second plan changes ${again.changes.map((change) => labelOf(change.object)).join(', ')}`,
    );
  return failures;
}
