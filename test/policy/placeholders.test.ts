import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicies, loadTargetSchemas } from '../../src/app/load-policies.js';
import { unresolvedPlaceholders } from '../../src/policy/placeholder-check.js';
import { runCli } from '../helpers/cli.js';

// Issue 9 item 10: a placeholder that names no field of its target renders "<unset>" in every finding.
const schemas = loadTargetSchemas();
const profile = schemas.get('ServiceAccountProfile')?.schema ?? {};

describe('message placeholders against the published target schemas', () => {
  it('resolve fields, list items, open maps, nullable objects and keys of fact maps', () => {
    for (const template of [
      '{{object.namespace}}/{{object.name}}',
      "{{metadata.annotations['example.com/owner']}}",
      '{{workloads.0.name}}',
      '{{?rbac.byFact.secrets-read.nameRestricted.names}}',
      "{{rbac.scopeOf['escalate|bind']}}",
      '{{usage.window.firstSeen}}',
    ])
      expect(unresolvedPlaceholders(template, profile), template).toEqual([]);
  });

  it('name where a path stops and what is there instead', () => {
    expect(unresolvedPlaceholders('{{object.metadata.name}}', profile)).toEqual([
      { placeholder: '{{object.metadata.name}}', reason: '"object" has no field "metadata" (it has apiVersion, kind, namespace, name)' },
    ]);
    expect(unresolvedPlaceholders('{{ isDefault.value }} {{workloads.name}}', profile).map((problem) => problem.reason)).toEqual([
      '"isDefault" is boolean, with no field "value"',
      '"workloads" is a list: name an item by its index',
    ]);
  });

  it('every built-in rule quotes only fields its target publishes', async () => {
    const { packs } = await loadPolicies({ includeBuiltIn: true });
    const problems = packs.flatMap((pack) =>
      pack.rules.flatMap((rule) => {
        const target = schemas.get(rule.target);
        if (!target) return [];
        return [rule.spec.message, rule.spec.explain, rule.spec.remediation].flatMap((template) =>
          template === undefined ? [] : unresolvedPlaceholders(template, target.schema).map((problem) => `${rule.id}: ${problem.reason}`),
        );
      }),
    );
    expect(problems).toEqual([]);
    expect(packs.flatMap((pack) => pack.rules).filter((rule) => schemas.has(rule.target)).length).toBeGreaterThan(30);
  });

  it('policy validate rejects a pack whose message quotes a field the target lacks, naming file:line (exit 2)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kubectl-sa-placeholders-'));
    const pack = (message: string) =>
      [
        'apiVersion: kubectl-sa.dev/v1',
        'kind: PolicyPack',
        'metadata: { name: acme, version: 1.0.0 }',
        'rules:',
        '  - id: ACME001',
        '    title: ServiceAccount without an owner',
        '    severity: low',
        '    target: ServiceAccountProfile',
        '    assert: { type: object, properties: { declared: { const: true } } }',
        `    message: "${message}"`,
        '    remediation: Declare it.',
        '',
      ].join('\n');
    await writeFile(path.join(dir, 'bad.yaml'), pack('ServiceAccount {{object.metadata.name}} is not declared'));
    await writeFile(path.join(dir, 'good.yaml'), pack('ServiceAccount {{object.namespace}}/{{object.name}} is not declared'));
    const bad = await runCli(['policy', 'validate', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.yaml:10');
    expect(bad.stderr).toContain(
      'ACME001: message placeholder {{object.metadata.name}} names no field of ServiceAccountProfile (policies/targets/service-account-profile.schema.json): "object" has no field "metadata"',
    );
    const good = await runCli(['policy', 'validate', 'good.yaml'], { cwd: dir });
    expect(good.code, good.stderr).toBe(0);
  });
});
