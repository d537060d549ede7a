import { loadBuiltInRiskFacts } from '../../src/app/load-policies.js';
import { compileRiskFacts } from '../../src/rbac/risk-facts.js';

/** The built-in packs' risk facts (policies/rbac.yaml), as every command evaluates them. */
export const builtInRiskFacts = compileRiskFacts(await loadBuiltInRiskFacts());
