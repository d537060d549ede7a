import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rbacForInventory } from '../../src/app/rbac-input.js';
import { usageFactsFromEvents } from '../../src/app/usage-facts.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import { evaluatePolicies } from '../../src/policy/evaluate.js';
import type { Finding } from '../../src/policy/finding.js';
import { loadPolicies } from '../../src/app/load-policies.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';

// Every built-in rule's finding, rendered on its own fixture cases, reads as a sentence a reviewer trusts:
// no validator phrasing ("has 2 items (…), at most 1 allowed"), no placeholders left or unset, no paths
// into kubectl-sa's derived documents, no raw JSON.
const validatorPhrasing: readonly [string, RegExp][] = [
  ['an unset placeholder', /<unset>|<none>/],
  ['a template left in', /\{\{|\}\}/],
  ['a count of items', /\bhas \d+ items?\b/],
  ['a schema limit', /\bat (most|least) \d+ (allowed|required)\b|above the limit of|below the minimum of/],
  [
    'a validator verdict',
    /which the rule forbids|the rule forbids this object|matches none of the allowed alternatives|does not satisfy the rule/,
  ],
  [
    'a validator message',
    /\bmust (NOT have|have required property|match (pattern|format|exactly)|be (equal to|<=|>=|<|>|array|object|string|integer|number|boolean|null)|pass)\b/,
  ],
  ['an expected value', /\bexpected (a|an|one of)\b|, expected ["\d]/],
  ['a presence check', /\bis present \(/],
  [
    'a derived-document path',
    /\brbac\.(factIds|byFact|clusterFactIds|namespacedFactIds|escalationFactIds|facts|rules)\b|\b(byFact|projectedTokens|podSpec|serviceAccount)\.\w|\w\[\d+\]\./,
  ],
  ['raw JSON', /\{"|\[object Object\]/],
  ['a JavaScript value', /\b(undefined|NaN)\b/],
];

const { packs } = await loadPolicies({ includeBuiltIn: true });
// The fixture cases are read from the checkout, as `policy test policies/` does (the program does not carry them).
const { tests } = await loadPolicies({ paths: [fileURLToPath(new URL('../../policies/tests', import.meta.url))], includeBuiltIn: false });
const builtIn = packs.filter((pack) => pack.builtIn);
const builtInNames = new Set(builtIn.map((pack) => pack.name));

function fixtureFindings(): { finding: Finding; testCase: string }[] {
  const found: { finding: Finding; testCase: string }[] = [];
  for (const suite of tests) {
    if (!builtInNames.has(suite.pack)) continue;
    for (const testCase of suite.cases) {
      const inventory = buildInventory(
        testCase.objects.map((value) => ({ value })),
        { defaultNamespace: 'default', origin: testCase.origin ?? 'files' },
      );
      const rbac = rbacForInventory(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts });
      const usage = testCase.auditEvents ? usageFactsFromEvents(inventory, testCase.auditEvents, { defaultRbac: true }) : undefined;
      const now = new Date(suite.now ?? '2026-06-01T00:00:00Z');
      for (const finding of evaluatePolicies(inventory, builtIn, { now, rbac, ...(usage ? { usage } : {}) }).findings)
        found.push({ finding, testCase: testCase.name });
    }
  }
  return found;
}

describe('readable findings', () => {
  const findings = fixtureFindings();

  it('every built-in rule has its own explanation', () => {
    const without = builtIn
      .flatMap((pack) => pack.rules)
      .filter((rule) => !rule.spec.explain)
      .map((rule) => rule.id);
    expect(without).toEqual([]);
  });

  it("every built-in rule's finding is rendered by some fixture case", () => {
    const rendered = new Set(findings.map(({ finding }) => finding.ruleId));
    const unrendered = builtIn.flatMap((pack) => pack.rules.map((rule) => rule.id)).filter((id) => !rendered.has(id));
    expect(unrendered).toEqual([]);
  });

  it('no message, explanation or remediation uses validator phrasing', () => {
    const problems: string[] = [];
    for (const { finding, testCase } of findings) {
      for (const [part, text] of [
        ['message', finding.message],
        ['explanation', finding.explanation],
        ['remediation', finding.remediation],
      ] as const) {
        for (const [what, pattern] of validatorPhrasing) {
          const match = pattern.exec(text);
          if (match) problems.push(`${finding.ruleId} (${testCase}) ${part} has ${what} "${match[0]}": ${text}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('no explanation ends in a bare list of objects, without a word saying what they are', () => {
    const bareList = /(?:^|[.;]\s+)(?:[A-Z][A-Za-z]+\/[a-z0-9.-]+)(?:, [A-Z][A-Za-z]+\/[a-z0-9.-]+)*\.?$/;
    // What SA001 said before: the workloads were appended to the sentence with no words around them.
    expect(bareList.test('… and does not opt out gets its token. DaemonSet/node-problem-detector')).toBe(true);
    expect(bareList.test('… gets its token. Running as it: DaemonSet/node-problem-detector.')).toBe(false);
    const problems = findings
      .filter(({ finding }) => bareList.test(finding.explanation.trim()))
      .map(({ finding, testCase }) => `${finding.ruleId} (${testCase}): ${finding.explanation}`);
    expect(problems).toEqual([]);
  });

  it('rejects the phrasing it is meant to reject (the check can fail)', () => {
    const sa009Before = 'workloads has 2 items (kubernetes-dashboard, dashboard-metrics-scraper), at most 1 allowed';
    expect(validatorPhrasing.some(([, pattern]) => pattern.test(sa009Before))).toBe(true);
    expect(validatorPhrasing.some(([, pattern]) => pattern.test('rbac.factIds[0] is "cluster-admin", which the rule forbids'))).toBe(true);
    expect(
      validatorPhrasing.some(([, pattern]) => pattern.test('automountServiceAccountToken is <unset> on ServiceAccount a/default')),
    ).toBe(true);
  });
});
