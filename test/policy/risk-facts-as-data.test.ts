import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rbacForInventory } from '../../src/app/rbac-input.js';
import { InputErrors } from '../../src/errors/kubectl-sa-error.js';
import { evaluatePolicies } from '../../src/policy/evaluate.js';
import { loadBuiltInRiskFacts, loadPolicies } from '../../src/app/load-policies.js';
import { buildRbacModel } from '../../src/rbac/rbac-model.js';
import { compileRiskFacts } from '../../src/rbac/risk-facts.js';
import { serviceAccountRbac } from '../../src/rbac/service-account-rbac.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';
import { runCli } from '../helpers/cli.js';
import { inventoryFromYaml } from '../helpers/inventory.js';

// Risk facts are data: declared in packs as the RBAC requests that grant them, evaluated by the RBAC engine.
const dir = await mkdtemp(path.join(os.tmpdir(), 'kubectl-sa-facts-'));
const vaultPack = path.join(dir, 'vault.yaml');
await writeFile(
  vaultPack,
  `apiVersion: kubectl-sa.dev/v1
kind: PolicyPack
metadata: { name: acme-vault, version: 1.0.0 }
facts:
  - id: acme-vault-secrets-read
    summary: can read VaultSecrets (the synced credentials)
    requests:
      - { verbs: [get, list, watch], apiGroups: [secrets.example.com], resources: [vaultsecrets] }
rules:
  - id: ACME001
    title: ServiceAccount can read VaultSecrets
    severity: high
    target: ServiceAccountProfile
    assert:
      type: object
      properties:
        rbac:
          type: object
          properties:
            factIds: { type: array, items: { not: { const: acme-vault-secrets-read } } }
    message: "ServiceAccount {{object.namespace}}/{{object.name}} can read VaultSecrets {{rbac.byFact.acme-vault-secrets-read.scope}}"
    explain: "{{rbac.factSummaries.acme-vault-secrets-read}}"
    remediation: Grant only what the workload reads.
`,
);

const objects = (verbs: string) => `apiVersion: v1
kind: ServiceAccount
metadata: { name: app, namespace: team }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: vault, namespace: team }
rules: [{ apiGroups: [secrets.example.com], resources: [vaultsecrets], verbs: [${verbs}] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: vault, namespace: team }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: vault }
subjects: [{ kind: ServiceAccount, name: app, namespace: team }]
`;

async function scanWithVaultPack(yaml: string, includeBuiltIn: boolean) {
  const { packs, facts } = await loadPolicies({ paths: [vaultPack], includeBuiltIn });
  const inventory = inventoryFromYaml(yaml);
  const rbac = rbacForInventory(inventory, { defaultRbac: true, riskFacts: compileRiskFacts(facts) });
  return { facts, evaluation: evaluatePolicies(inventory, packs, { now: new Date('2026-06-01T00:00:00Z'), rbac }) };
}

describe('risk facts as data', () => {
  it('a custom pack declares its own fact and writes a rule on it', async () => {
    const { evaluation } = await scanWithVaultPack(objects('list'), false);
    const finding = evaluation.findings.find((candidate) => candidate.ruleId === 'ACME001');
    expect(finding?.message).toBe('ServiceAccount team/app can read VaultSecrets in namespace team');
    expect(finding?.explanation).toContain('list on vaultsecrets.secrets.example.com in namespace team (via RoleBinding/team/vault)');
    const { evaluation: harmless } = await scanWithVaultPack(objects('create'), false);
    expect(harmless.findings.filter((candidate) => candidate.ruleId === 'ACME001')).toEqual([]);
  });

  it('the built-in facts stay available when the built-in rules are left out (--no-builtin)', async () => {
    const { facts, evaluation } = await scanWithVaultPack(objects('list'), false);
    expect(facts.map((fact) => fact.id)).toEqual(expect.arrayContaining(['acme-vault-secrets-read', 'secrets-read', 'cluster-admin']));
    expect(evaluation.findings.map((finding) => finding.ruleId)).toEqual(['ACME001']);
  });

  it('the engine knows no fact of its own: the built-in ones are the rbac pack’s declarations', async () => {
    const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: ServiceAccount, name: app, namespace: team }]
`;
    const bare = buildRbacModel(inventoryFromYaml(yaml), { defaultRbac: loadDefaultRbac() });
    expect(serviceAccountRbac(bare, 'team', 'app').facts).toEqual([]);
    const declared = await loadBuiltInRiskFacts();
    const withFacts = buildRbacModel(inventoryFromYaml(yaml), { defaultRbac: loadDefaultRbac(), riskFacts: compileRiskFacts(declared) });
    expect(serviceAccountRbac(withFacts, 'team', 'app').facts.map((fact) => fact.id)).toContain('cluster-admin');
    expect(declared.every((fact) => fact.pack === 'rbac' && fact.source.file.endsWith(path.join('policies', 'rbac.yaml')))).toBe(true);
    const source = await readFile(new URL('../../src/rbac/risk-facts.ts', import.meta.url), 'utf8');
    for (const fact of declared) expect(source).not.toContain(`'${fact.id}'`);
  });

  it('a fact id declared by two packs is an error naming both', async () => {
    const clash = path.join(dir, 'clash.yaml');
    await writeFile(
      clash,
      (await readFile(vaultPack, 'utf8')).replace('name: acme-vault', 'name: acme-clash').replace('id: ACME001', 'id: ACME002'),
    );
    const error = await loadPolicies({ paths: [vaultPack, clash], includeBuiltIn: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputErrors);
    expect(String((error as InputErrors).message)).toMatch(
      /clash\.yaml:\d+: \/facts: fact id acme-vault-secrets-read is already declared by pack acme-vault/,
    );
  });

  it('policy show --targets lists the derived targets with their schemas, and every declared fact', async () => {
    const result = await runCli(['policy', 'show', '--targets', '--policy', vaultPack]);
    expect(result.code).toBe(0);
    for (const target of ['Workload', 'ServiceAccountProfile', 'Binding', 'RoleProfile', 'LegacyTokenSecret'])
      expect(result.stdout).toMatch(new RegExp(`^${target}\\s+.+policies/targets/`, 'm'));
    expect(result.stdout).toMatch(/^secrets-read\s+any\s+rbac\s+can read Secrets/m);
    expect(result.stdout).toMatch(/^acme-vault-secrets-read\s+any\s+acme-vault\s+can read VaultSecrets/m);
    const json = JSON.parse((await runCli(['policy', 'show', '--targets', '-o', 'json'])).stdout) as { targets: { name: string }[] };
    expect(json.targets.map((target) => target.name)).toEqual([
      'Workload',
      'ServiceAccountProfile',
      'Binding',
      'RoleProfile',
      'LegacyTokenSecret',
    ]);
  });
});
