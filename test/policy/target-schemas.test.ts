import { corpusRoot } from '../helpers/corpus.js';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { rbacForInventory } from '../../src/app/rbac-input.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import { TargetDocuments } from '../../src/policy/derived/target-documents.js';
import { loadPolicies } from '../../src/app/load-policies.js';
import { readManifests } from '../../src/sources/manifest-files.js';
import { fixedNow } from './scan-helper.js';

// The published target schemas are what pack authors build on: every derived document the engine builds
// from the corpus must validate against them, so the two cannot drift apart.
const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
const validators = new Map<string, ValidateFunction>();
async function validatorOf(name: string): Promise<ValidateFunction> {
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.compile(
      JSON.parse(await readFile(new URL(`../../policies/targets/${name}.schema.json`, import.meta.url), 'utf8')) as object,
    );
    validators.set(name, validate);
  }
  return validate;
}

// The corpus plus every object of the built-in fixture cases (legacy tokens, projected tokens, workload identity…),
// read from the checkout as `policy test policies/` does (the program does not carry them).
const { tests } = await loadPolicies({ paths: [fileURLToPath(new URL('../../policies/tests', import.meta.url))], includeBuiltIn: false });
const fixtureObjects = tests.flatMap((suite) => suite.cases.flatMap((testCase) => testCase.objects)).map((value) => ({ value }));
const documents = [...(await readManifests([corpusRoot])), ...fixtureObjects];
const corpusInventory = buildInventory(documents, { defaultNamespace: 'default', origin: 'files' });
const targets = new TargetDocuments(corpusInventory, {
  now: fixedNow,
  rbac: rbacForInventory(corpusInventory, { defaultRbac: true, riskFacts: builtInRiskFacts }),
});

describe('published target schemas', () => {
  for (const [target, file] of [
    ['Workload', 'workload'],
    ['ServiceAccountProfile', 'service-account-profile'],
    ['Binding', 'binding'],
    ['LegacyTokenSecret', 'legacy-token-secret'],
    ['RoleProfile', 'role-profile'],
  ] as const) {
    it(`${target} documents validate against policies/targets/${file}.schema.json`, async () => {
      const validate = await validatorOf(file);
      const built = targets.documentsFor(target);
      expect(built.length).toBeGreaterThan(0);
      for (const { document } of built) {
        const ok = validate(JSON.parse(JSON.stringify(document)));
        expect(ok ? [] : validate.errors).toEqual([]);
      }
    });
  }
});
