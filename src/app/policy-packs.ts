import { InputError, InputErrors, UsageError } from '../errors/kubectl-sa-error.js';
import { checkFixesOnCases, type FixCaseResult } from '../fixes/fix-cases.js';
import type { Inventory } from '../inventory/inventory.js';
import { fixesOf } from '../policy/fix-index.js';
import type { CompiledFix, CompiledPack, CompiledRule } from '../policy/compile-pack.js';
import { loadPolicies, loadTargetSchemas, type LoadPoliciesOptions } from './load-policies.js';
import { runPackTests, type PackTestResult, type PackTestSuite } from '../policy/pack-tests.js';
import { compileRiskFacts } from '../rbac/risk-facts.js';
import type { DeclaredFact } from '../policy/compile-pack.js';
import { derivedTargetRegistry } from '../policy/derived/target-registry.js';
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
  /** Each fix run on the fixture cases that make its rule fire (all passed, or validation failed). */
  readonly fixCases: readonly FixCaseResult[];
}

/**
 * Loads and checks packs and pack test files under the paths (an invalid one throws, exit 2): `kubectl sa
 * policy validate`. Beyond the format and the schemas: every fix a rule names exists (in its pack or a
 * built-in one), and every patch fix applies to the fixture cases that make its rule fire and clears them.
 */
export async function validatePolicyPacks(
  paths: readonly string[],
  options: { readonly defaultRbac?: boolean } = {},
): Promise<Outcome<ValidatedPacks>> {
  const { packs, tests, facts } = await loadPolicies({ paths, includeBuiltIn: false });
  const fixes = await fixesWithBuiltIns(packs);
  const problems: InputError[] = [];
  for (const pack of packs) {
    for (const rule of pack.rules) {
      if (rule.spec.fix !== undefined && !fixes.has(rule.spec.fix))
        problems.push(
          new InputError(`${rule.id}: fix ${rule.spec.fix} is not defined (neither under fixes: in pack ${pack.name} nor built in)`, {
            position: rule.source,
          }),
        );
    }
  }
  const riskFacts = compileRiskFacts(facts);
  const fixCases = checkFixesOnCases(packs, tests, fixes, {
    rbacFor: (inventory) => rbacForInventory(inventory, { defaultRbac: options.defaultRbac ?? true, riskFacts }),
  });
  for (const result of fixCases)
    for (const failure of result.failures)
      problems.push(
        new InputError(`${result.testCase.name}: ${failure}`, { position: { file: result.suite.file, line: result.testCase.line } }),
      );
  if (problems.length > 0) throw new InputErrors(problems);
  return { data: { packs, tests, fixCases }, notes: [], warnings: [] };
}

/** The packs' fixes over the built-in ones: a custom pack's rule may name a built-in fix. */
async function fixesWithBuiltIns(packs: readonly CompiledPack[]): Promise<Map<string, CompiledFix>> {
  const builtIn = packs.some((pack) => pack.builtIn) ? [] : (await loadPolicies({ includeBuiltIn: true })).packs;
  return fixesOf([...packs, ...builtIn]);
}

export interface PackTestRun {
  readonly results: readonly PackTestResult[];
  /** Each patch fix on the cases that make its rule fire: before → after. */
  readonly fixCases: readonly FixCaseResult[];
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
  const riskFacts = compileRiskFacts(local.facts);
  const rbacFor = (inventory: Inventory) => rbacForInventory(inventory, { defaultRbac: options.defaultRbac, riskFacts });
  const results = runPackTests(packs, local.tests, {
    rbacFor,
    usageFor: (inventory, events) => usageFactsFromEvents(inventory, events, { defaultRbac: options.defaultRbac }),
  });
  const fixCases = checkFixesOnCases(packs, local.tests, fixesOf(packs), { rbacFor });
  const failed = [...results, ...fixCases].filter((result) => result.failures.length > 0).length;
  return { data: { results, fixCases, failed }, notes: [], warnings: [] };
}

/** The `kubectl sa policy show --targets -o json` shape: the derived targets and every declared risk fact. */
export interface PolicyTargets {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'PolicyTargets';
  readonly targets: readonly {
    readonly name: string;
    readonly onePer: string;
    readonly findingNames: string;
    readonly schema: string;
    readonly fields: readonly string[];
  }[];
  readonly riskFacts: readonly {
    readonly id: string;
    readonly summary: string;
    readonly scope: 'any' | 'cluster';
    readonly pack: string;
    readonly source: { readonly file: string; readonly line: number };
  }[];
}

/** The derived targets (one registry) with their published schemas' fields, and the facts the packs declare. */
export async function listPolicyTargets(options: LoadPoliciesOptions): Promise<Outcome<PolicyTargets>> {
  const { facts } = await loadPolicies(options);
  const schemas = loadTargetSchemas();
  const targets = derivedTargetRegistry.map((definition) => {
    const schema = schemas.get(definition.name)?.schema ?? {};
    const properties = typeof schema.properties === 'object' && schema.properties !== null ? Object.keys(schema.properties) : [];
    return {
      name: definition.name,
      onePer: definition.onePer,
      findingNames: definition.findingNames,
      schema: `policies/targets/${definition.schemaFile}`,
      fields: properties,
    };
  });
  const riskFacts = facts.map((fact: DeclaredFact) => ({
    id: fact.id,
    summary: fact.summary,
    scope: fact.scope ?? 'any',
    pack: fact.pack,
    source: fact.source,
  }));
  return { data: { apiVersion: 'kubectl-sa.dev/v1', kind: 'PolicyTargets', targets, riskFacts }, notes: [], warnings: [] };
}
