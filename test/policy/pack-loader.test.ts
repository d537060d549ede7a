import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PolicyPackError } from '../../src/errors/kubectl-sa-error.js';
import { InputErrors, UsageError } from '../../src/errors/kubectl-sa-error.js';
import { loadExemptions, loadPolicies } from '../../src/app/load-policies.js';
import { packSchema } from '../../src/policy/pack-schema.js';
import { readFile } from 'node:fs/promises';

const dir = await mkdtemp(path.join(os.tmpdir(), 'kubectl-sa-packs-'));
async function packFile(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

const header = `apiVersion: kubectl-sa.dev/v1
kind: PolicyPack
metadata:
  name: acme
  version: 0.1.0
rules:
`;
const rule = (body: string) => `  - id: ACME001
    title: t
    severity: high
    target: ServiceAccount
    message: m
    remediation: r
${body}`;

async function loadErrors(text: string): Promise<PolicyPackError[]> {
  const file = await packFile(`pack-${Math.random().toString(36).slice(2)}.yaml`, text);
  try {
    await loadPolicies({ paths: [file], includeBuiltIn: false });
  } catch (error) {
    expect(error).toBeInstanceOf(InputErrors);
    expect((error as InputErrors).exitCode).toBe(2);
    return (error as InputErrors).errors as PolicyPackError[];
  }
  throw new Error('expected the pack to be rejected');
}

describe('pack loader', () => {
  it('loads a valid pack and compiles its schemas', async () => {
    const file = await packFile('ok.yaml', header + rule('    assert: { type: object, required: [automountServiceAccountToken] }\n'));
    const { packs } = await loadPolicies({ paths: [file], includeBuiltIn: false });
    expect(packs.map((pack) => [pack.name, pack.rules.map((r) => r.id)])).toEqual([['acme', ['ACME001']]]);
  });

  it('names file:line, the JSON pointer and the reason for a format error', async () => {
    const errors = await loadErrors(header + rule('    assert: true\n    severity: urgent\n').replace('    severity: high\n', ''));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.pointer).toBe('/rules/0/severity');
    expect(errors[0]?.position).toMatchObject({ line: 13 });
    expect(errors[0]?.message).toMatch(/pack-.*\.yaml:13: \/rules\/0\/severity: .*"critical", "high"/);
  });

  it('rejects unknown keywords in ajv strict mode, at the keyword’s line', async () => {
    const errors = await loadErrors(header + rule('    assert:\n      type: object\n      requird: [x]\n'));
    expect(errors[0]?.pointer).toBe('/rules/0/assert/requird');
    expect(errors[0]?.position?.line).toBe(15);
    expect(errors[0]?.reason).toMatch(/strict mode: unknown keyword: "requird"/);
  });

  it('reports invalid JSON Schema at the offending keyword', async () => {
    const errors = await loadErrors(header + rule('    assert:\n      type: object\n      properties:\n        x: { type: strin }\n'));
    expect(errors[0]?.pointer).toBe('/rules/0/assert/properties/x/type');
    expect(errors[0]?.position?.line).toBe(16);
  });

  it('rejects regexes RE2 cannot run in linear time (backreferences, lookaround)', async () => {
    const errors = await loadErrors(
      header + rule('    assert:\n      type: object\n      properties:\n        x: { type: string, pattern: "(a)\\\\1" }\n'),
    );
    expect(errors[0]?.reason).toMatch(/does not compile/);
    expect(errors[0]?.pointer).toBe('/rules/0/assert/properties/x/pattern');
    expect(errors[0]?.position?.line).toBe(16);
    const inKey = await loadErrors(header + rule('    assert:\n      type: object\n      patternProperties:\n        "(?<=x)y": true\n'));
    expect(inKey[0]?.pointer).toBe('/rules/0/assert/patternProperties/(?<=x)y');
    expect(inKey[0]?.position?.line).toBe(16);
    const lookahead = await loadErrors(header + rule('    assert:\n      type: string\n      pattern: "a(?=b)"\n'));
    expect(lookahead[0]?.reason).toMatch(/does not compile/);
  });

  it('runs a catastrophic-backtracking pattern on hostile input in linear time', async () => {
    const file = await packFile(
      'redos.yaml',
      header +
        rule(
          '    assert:\n      type: object\n      properties:\n        metadata:\n          type: object\n          properties:\n            name: { type: string, pattern: "^(a+)+$" }\n',
        ),
    );
    const { packs } = await loadPolicies({ paths: [file], includeBuiltIn: false });
    const assert = packs[0]?.rules[0]?.assert;
    const hostile = `${'a'.repeat(5000)}!`;
    const started = performance.now();
    expect(assert?.({ metadata: { name: hostile } })).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('keeps every pattern of a schema distinct (ajv caches patterns by their string form)', async () => {
    const file = await packFile(
      'patterns.yaml',
      header +
        rule(
          '    assert:\n      type: object\n      properties:\n        a: { type: string, pattern: "^x$" }\n        b: { type: string, pattern: "^y$" }\n',
        ),
    );
    const { packs } = await loadPolicies({ paths: [file], includeBuiltIn: false });
    const assert = packs[0]?.rules[0]?.assert;
    expect(assert?.({ a: 'x', b: 'y' })).toBe(true);
    expect(assert?.({ a: 'x', b: 'x' })).toBe(false);
  });

  it("compiles a rule's match for its verdict (first error only), its assert with every error; match problems still found", async () => {
    const file = await packFile(
      'match.yaml',
      header + rule('    match: { type: object, required: [a, b, c] }\n    assert: { type: object, required: [p, q] }\n'),
    );
    const { packs } = await loadPolicies({ paths: [file], includeBuiltIn: false });
    const compiled = packs[0]?.rules[0];
    expect(compiled?.match?.({ a: 1, b: 1, c: 1 })).toBe(true);
    // Three required properties missing: the verdict is the same, and a match stops at the first.
    expect(compiled?.match?.({})).toBe(false);
    expect(compiled?.match?.errors?.map((error) => error.params)).toEqual([{ missingProperty: 'a' }]);
    expect(compiled?.match?.('not an object')).toBe(false);
    // An assert's errors make the explanation: all of them.
    expect(compiled?.assert({})).toBe(false);
    expect(compiled?.assert.errors?.map((error) => error.params)).toEqual([{ missingProperty: 'p' }, { missingProperty: 'q' }]);
    // A broken match schema is reported as an assert's is: every problem, at its keyword.
    const errors = await loadErrors(
      header +
        rule(
          '    match:\n      type: object\n      properties:\n        x: { type: strin }\n        z: { minLength: -1 }\n    assert: true\n',
        ),
    );
    expect([...new Set(errors.map((error) => error.pointer))]).toEqual([
      '/rules/0/match/properties/x/type',
      '/rules/0/match/properties/z/minLength',
    ]);
  });

  it('points at the part a strictTypes error names', async () => {
    const errors = await loadErrors(
      header + rule('    assert:\n      type: object\n      properties:\n        metadata:\n          properties: {}\n'),
    );
    expect(errors[0]?.pointer).toBe('/rules/0/assert/properties/metadata');
    expect(errors[0]?.position?.line).toBe(16);
  });

  it('rejects a target that names nothing, suggesting the near name; accepts group/Kind of custom resources', async () => {
    const typo = await loadErrors(header + rule('    assert: true\n').replace('target: ServiceAccount', 'target: Workloads'));
    expect(typo[0]?.pointer).toBe('/rules/0/target');
    expect(typo[0]?.position?.line).toBe(10);
    expect(typo[0]?.reason).toMatch(/unknown target "Workloads".*did you mean Workload\?/);
    const wrongGroup = await loadErrors(header + rule('    assert: true\n').replace('target: ServiceAccount', 'target: apps/Deploymnet'));
    expect(wrongGroup[0]?.reason).toMatch(/did you mean .*apps\/Deployment/);
    for (const target of [
      'apps/Deployment',
      'Deployment',
      'Secret',
      'rbac.authorization.k8s.io/ClusterRoleBinding',
      'monitoring.coreos.com/Prometheus',
      'Binding',
    ]) {
      const file = await packFile(
        `target-${target.replace(/\W/g, '-')}.yaml`,
        header + rule('    assert: true\n').replace('target: ServiceAccount', `target: ${target}`),
      );
      await expect(loadPolicies({ paths: [file], includeBuiltIn: false }), target).resolves.toBeDefined();
    }
  });

  it('rejects a template with a malformed placeholder, at its line', async () => {
    const errors = await loadErrors(header + rule('    assert: true\n').replace('message: m', 'message: "{{metadata.name is bad"'));
    expect(errors[0]?.pointer).toBe('/rules/0/message');
    expect(errors[0]?.position?.line).toBe(11);
    expect(errors[0]?.reason).toMatch(/unclosed or malformed placeholder near "\{\{metadata.name/);
  });

  it('rejects a rule id that a built-in pack already uses', async () => {
    const file = await packFile('dup.yaml', (header + rule('    assert: true\n')).replace('ACME001', 'SA001'));
    await expect(loadPolicies({ paths: [file] })).rejects.toThrow(/rule id SA001 is already defined by pack serviceaccount/);
  });

  it('rejects a document that is not a pack', async () => {
    const file = await packFile('notpack.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n');
    await expect(loadPolicies({ paths: [file], includeBuiltIn: false })).rejects.toThrow(/notpack\.yaml:1: \/kind: not a policy pack/);
  });

  it('applies --only-pack and --skip-rule, and refuses unknown names', async () => {
    const { packs } = await loadPolicies({ onlyPacks: ['rbac'], skipRules: ['RBAC011'] });
    expect(packs.map((pack) => pack.name)).toEqual(['rbac']);
    expect(packs[0]?.rules.map((r) => r.id)).not.toContain('RBAC011');
    await expect(loadPolicies({ onlyPacks: ['nope'] })).rejects.toBeInstanceOf(UsageError);
    await expect(loadPolicies({ skipRules: ['XX001'] })).rejects.toBeInstanceOf(UsageError);
  });

  it('keeps policies/pack.schema.json identical to the schema the engine uses', async () => {
    const published = JSON.parse(await readFile(new URL('../../policies/pack.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(published).toEqual(packSchema);
  });

  it('the example custom pack validates', async () => {
    const { packs } = await loadPolicies({
      paths: [new URL('../../examples/policies/custom-pack.yaml', import.meta.url).pathname],
      includeBuiltIn: true,
    });
    expect(packs.some((pack) => pack.name === 'acme-serviceaccounts')).toBe(true);
  });
});

describe('exemptions file', () => {
  it('reads entries with their lines', async () => {
    const file = await packFile(
      'exemptions.yaml',
      'apiVersion: kubectl-sa.dev/v1\nkind: Exemptions\nexemptions:\n  - rules: [SA002]\n    object: { kind: Deployment, namespace: pay, name: "legacy-*" }\n    reason: migrating\n    expires: "2026-12-31"\n',
    );
    const exemptions = await loadExemptions(file);
    expect(exemptions).toEqual([
      expect.objectContaining({ rules: ['SA002'], reason: 'migrating', expires: '2026-12-31', source: { file, line: 4 } }),
    ]);
  });

  it('rejects a malformed file with file:line', async () => {
    const file = await packFile(
      'bad-exemptions.yaml',
      'apiVersion: kubectl-sa.dev/v1\nkind: Exemptions\nexemptions:\n  - rules: [SA002]\n    reason: r\n    object: {}\n    until: tomorrow\n',
    );
    await expect(loadExemptions(file)).rejects.toThrow(/bad-exemptions\.yaml:7: \/exemptions\/0\/until: .*unknown field "until"/);
  });
});

describe('rules that target a Kubernetes kind', () => {
  it('judge every object of the kind (any group) for `Kind`, and only the group’s for `group/Kind`', async () => {
    const { buildInventory } = await import('../../src/inventory/inventory.js');
    const { evaluatePolicies } = await import('../../src/policy/evaluate.js');
    const targets = ['Deployment', 'apps/Deployment', 'extensions/Deployment', 'ServiceAccount'];
    const rules = targets
      .map((target, index) =>
        rule('    assert: false\n')
          .replace('ACME001', `ACME00${index + 1}`)
          .replace('target: ServiceAccount', `target: ${target}`),
      )
      .join('');
    const { packs } = await loadPolicies({ paths: [await packFile('kinds.yaml', header + rules)], includeBuiltIn: false });
    const object = (apiVersion: string, kind: string, name: string) => ({
      value: { apiVersion, kind, metadata: { name, namespace: 'a' } },
    });
    const inventory = buildInventory(
      [
        object('apps/v1', 'Deployment', 'web'),
        object('v1', 'ServiceAccount', 'web'),
        object('extensions/v1beta1', 'Deployment', 'old'),
        object('v1', 'ConfigMap', 'web'),
        object('apps/v1', 'Deployment', 'api'),
      ],
      { defaultNamespace: 'default', origin: 'files' },
    );
    const { findings } = evaluatePolicies(inventory, packs, { now: new Date('2026-06-01T00:00:00Z') });
    const judged = (ruleId: string) => findings.filter((finding) => finding.ruleId === ruleId).map((finding) => finding.object.name);
    // Findings are sorted; each rule fails every object it judges (assert: false), so its findings are what it judged.
    expect(judged('ACME001').sort()).toEqual(['api', 'old', 'web']);
    expect(judged('ACME002').sort()).toEqual(['api', 'web']);
    expect(judged('ACME003')).toEqual(['old']);
    expect(judged('ACME004')).toEqual(['web']);
  });
});
