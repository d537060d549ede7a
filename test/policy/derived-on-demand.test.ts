import { beforeEach, describe, expect, it, vi } from 'vitest';
import { generateObjects } from '../../bench/generate.js';
import { rbacForInventory } from '../../src/app/rbac-input.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import { evaluatePolicies } from '../../src/policy/evaluate.js';
import { loadPolicies } from '../../src/app/load-policies.js';
import * as escalation from '../../src/rbac/escalation.js';
import * as riskFacts from '../../src/rbac/risk-facts.js';
import { fixedNow } from './scan-helper.js';

// Count the calls into the costly parts of the RBAC engine, answering as they do.
vi.mock('../../src/rbac/escalation.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/rbac/escalation.js')>();
  return { ...original, escalationPaths: vi.fn(original.escalationPaths), escalationFacts: vi.fn(original.escalationFacts) };
});
vi.mock('../../src/rbac/risk-facts.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/rbac/risk-facts.js')>();
  return { ...original, riskFactsOf: vi.fn(original.riskFactsOf) };
});

// The dense shape: 500 ServiceAccounts where every SA of a namespace may create pods there.
const inventory = buildInventory(
  generateObjects('dense', 500).map((value) => ({ value })),
  { defaultNamespace: 'default', origin: 'files' },
);

function scan(onlyPacks?: string[]) {
  return loadPolicies({ includeBuiltIn: true, ...(onlyPacks ? { onlyPacks } : {}) }).then(({ packs }) =>
    evaluatePolicies(inventory, packs, {
      now: fixedNow,
      rbac: rbacForInventory(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts }),
    }),
  );
}

describe('a scan computes only the derived facts its rules read', () => {
  beforeEach(() => vi.clearAllMocks());

  it('--only-pack serviceaccount: no risk facts and no escalation work at all', async () => {
    const evaluation = await scan(['serviceaccount']);
    expect(evaluation.checks.applied).toBeGreaterThan(500);
    expect(riskFacts.riskFactsOf).not.toHaveBeenCalled();
    expect(escalation.escalationFacts).not.toHaveBeenCalled();
    expect(escalation.escalationPaths).not.toHaveBeenCalled();
  });

  it('the built-in packs read risk facts but never walk escalation paths', async () => {
    const evaluation = await scan();
    expect(evaluation.findings.some((finding) => finding.ruleId.startsWith('RBAC'))).toBe(true);
    expect(riskFacts.riskFactsOf).toHaveBeenCalled();
    expect(escalation.escalationPaths).not.toHaveBeenCalled();
  });
});
