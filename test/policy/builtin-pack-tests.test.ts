import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPolicies } from '../../src/app/load-policies.js';
import { runPackTests } from '../../src/policy/pack-tests.js';
import { rbacForInventory } from '../../src/app/rbac-input.js';
import { usageFactsFromEvents } from '../../src/app/usage-facts.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';

// The same fixture cases `kubectl sa policy test policies/` runs (read from the checkout: the program does not
// carry them), against the built-in packs: every built-in rule, positive and negative.
const { packs } = await loadPolicies({ includeBuiltIn: true });
const { tests } = await loadPolicies({ paths: [fileURLToPath(new URL('../../policies/tests', import.meta.url))], includeBuiltIn: false });
const results = runPackTests(packs, tests, {
  rbacFor: (inventory) => rbacForInventory(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts }),
  usageFor: (inventory, events) => usageFactsFromEvents(inventory, events, { defaultRbac: true }),
});

describe('built-in pack fixture cases', () => {
  it('has cases for every built-in rule', () => {
    const tested = new Set(
      tests.flatMap((suite) =>
        suite.cases.flatMap((testCase) => [...(testCase.expect ?? []), ...(testCase.expectNot ?? [])].map((e) => e.rule)),
      ),
    );
    const untested = packs.flatMap((pack) => pack.rules.map((rule) => rule.id)).filter((id) => !tested.has(id));
    expect(untested).toEqual([]);
  });

  for (const result of results) {
    it(`${result.suite.pack}: ${result.testCase.name}`, () => {
      expect(result.failures).toEqual([]);
    });
  }
});
