import { UsageError } from '../errors/kubectl-sa-error.js';
import type { CompiledPack, CompiledRule } from '../policy/compile-pack.js';
import { loadPolicies, type LoadPoliciesOptions } from './load-policies.js';
import { runPackTests, type PackTestResult, type PackTestSuite } from '../policy/pack-tests.js';
import type { Outcome } from './outcome.js';
import { rbacForInventory } from './rbac-input.js';
import { usageFactsFromEvents } from './usage-facts.js';

/** The documented `kubectl sa policy list -o json` shape. */
export interface PolicyRuleList {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'PolicyRuleList';
  readonly items: readonly {
    readonly id: string;
    readonly severity: string;
    readonly target: string;
    readonly pack: string;
    readonly version: string;
    readonly title: string;
    readonly fix: string | null;
  }[];
}

/** Every rule of the selected packs: `kubectl sa policy list`. */
export async function listPolicyRules(options: LoadPoliciesOptions): Promise<Outcome<PolicyRuleList>> {
  const { packs } = await loadPolicies(options);
  const items = packs.flatMap((pack) =>
    pack.rules.map((rule) => ({
      id: rule.id,
      severity: rule.severity,
      target: rule.target,
      pack: pack.name,
      version: pack.version,
      title: rule.title,
      fix: rule.spec.fix ?? null,
    })),
  );
  return { data: { apiVersion: 'kubectl-sa.dev/v1', kind: 'PolicyRuleList', items }, notes: [], warnings: [] };
}

export interface PolicyRuleDetail {
  readonly pack: CompiledPack;
  readonly rule: CompiledRule;
}

/** One rule by id (case-insensitive): `kubectl sa policy show`. */
export async function findPolicyRule(id: string, options: LoadPoliciesOptions): Promise<Outcome<PolicyRuleDetail>> {
  const { packs } = await loadPolicies(options);
  const wanted = id.toUpperCase();
  for (const pack of packs) {
    const rule = pack.rules.find((candidate) => candidate.id === wanted);
    if (rule) return { data: { pack, rule }, notes: [], warnings: [] };
  }
  throw new UsageError(`no rule with id ${id}`, { hint: 'list rules with: kubectl sa policy list' });
}

export interface ValidatedPacks {
  readonly packs: readonly CompiledPack[];
  readonly tests: readonly PackTestSuite[];
}

/** Loads and checks packs and pack test files under the paths (an invalid one throws, exit 2): `kubectl sa policy validate`. */
export async function validatePolicyPacks(paths: readonly string[]): Promise<Outcome<ValidatedPacks>> {
  const { packs, tests } = await loadPolicies({ paths, includeBuiltIn: false });
  return { data: { packs, tests }, notes: [], warnings: [] };
}

export interface PackTestRun {
  readonly results: readonly PackTestResult[];
  readonly failed: number;
}

/**
 * Runs the PolicyPackTest cases under the paths, like `kyverno test`; a suite may name a built-in pack,
 * which is then loaded too: `kubectl sa policy test`.
 */
export async function testPolicyPacks(paths: readonly string[], options: { readonly defaultRbac: boolean }): Promise<Outcome<PackTestRun>> {
  const local = await loadPolicies({ paths, includeBuiltIn: false });
  if (local.tests.length === 0) throw new UsageError(`no PolicyPackTest documents under ${paths.join(', ')}`);
  const packs: CompiledPack[] = [...local.packs];
  if (local.tests.some((suite) => !packs.some((pack) => pack.name === suite.pack))) {
    const builtIn = await loadPolicies({ includeBuiltIn: true });
    packs.push(...builtIn.packs.filter((pack) => !packs.some((known) => known.name === pack.name)));
  }
  const results = runPackTests(packs, local.tests, {
    rbacFor: (inventory) => rbacForInventory(inventory, { defaultRbac: options.defaultRbac }),
    usageFor: (inventory, events) => usageFactsFromEvents(inventory, events, { defaultRbac: options.defaultRbac }),
  });
  return { data: { results, failed: results.filter((result) => result.failures.length > 0).length }, notes: [], warnings: [] };
}
