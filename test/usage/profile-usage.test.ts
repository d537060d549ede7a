import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { aggregateAuditLogs } from '../../src/app/audit-usage.js';
import { rbacViewFor } from '../../src/app/rbac-input.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';
import { usageFactsFor } from '../../src/app/usage-facts.js';
import { TargetDocuments } from '../../src/policy/derived/target-documents.js';
import type { ProfileUsage } from '../../src/usage/profile-usage.js';
import { harnessLogPath, harnessObjectsPath } from '../helpers/audit-fixture.js';
import { runCli } from '../helpers/cli.js';
import { inventoryFromPaths } from '../helpers/inventory.js';

async function profiles(withLog: boolean) {
  const inventory = await inventoryFromPaths(harnessObjectsPath);
  const rbac = rbacViewFor(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts });
  const usage = withLog ? usageFactsFor((await aggregateAuditLogs({ paths: [harnessLogPath] })).log, inventory, rbac.model) : undefined;
  const documents = new TargetDocuments(inventory, { now: new Date('2026-12-02T00:00:00Z'), rbac: rbac.view, ...(usage ? { usage } : {}) });
  return documents
    .documentsFor('ServiceAccountProfile')
    .map((target) => target.document as { object: { name: string }; usage?: ProfileUsage });
}

describe('the usage facts of ServiceAccountProfile documents', () => {
  it('are there only with an audit log, and validate against the published target schema', async () => {
    const schema = JSON.parse(
      await readFile(new URL('../../policies/targets/service-account-profile.schema.json', import.meta.url), 'utf8'),
    ) as object;
    const validate = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(schema);
    const withUsage = await profiles(true);
    expect(withUsage.every((profile) => profile.usage !== undefined)).toBe(true);
    for (const profile of withUsage) {
      const ok = validate(JSON.parse(JSON.stringify(profile)));
      expect(ok ? [] : validate.errors).toEqual([]);
    }
    expect((await profiles(false)).some((profile) => 'usage' in profile)).toBe(false);
  });

  it('say what each replayed ServiceAccount did and did not use', async () => {
    const byName = new Map((await profiles(true)).map((profile) => [profile.object.name, profile.usage]));
    expect(byName.get('idle')).toMatchObject({ requests: 0, unused: true, holdsRights: true, alerts: [] });
    expect(byName.get('idle')?.unusedGrantSummary).toMatch(
      /^RoleBinding\/shop\/idle → ClusterRole\/edit \(shop\): none of its \d+ rule\(s\) used$/,
    );
    expect(byName.get('cart')).toMatchObject({
      unused: false,
      secretReads: 2,
      secretLists: 1,
      secretListsDenied: 1,
      rbacDenied: 2,
      legacyTokenUses: 0,
      unusedGrantCount: 2,
    });
    expect(byName.get('cart')?.unusedGrantSummary).toBe(
      'RoleBinding/shop/cart → Role/shop/cart (shop): never list configmaps, delete deployments.apps',
    );
    expect(byName.get('legacy')).toMatchObject({
      legacyTokenSecrets: ['legacy-token'],
      alerts: ['secrets-read', 'rbac-denied', 'legacy-token'],
    });
    expect(byName.get('default')?.alerts).toEqual(['default-sa-call', 'rbac-denied']);
  });
});

describe('kubectl sa scan --audit-log', () => {
  it('adds the usage pack’s findings; without a log none of them appears', async () => {
    const withLog = await runCli(['scan', '-f', harnessObjectsPath, '--audit-log', harnessLogPath, '-o', 'json']);
    const without = await runCli(['scan', '-f', harnessObjectsPath, '-o', 'json']);
    const rules = (stdout: string) =>
      (JSON.parse(stdout) as { findings: { ruleId: string; object: { name: string } }[] }).findings
        .filter((finding) => finding.ruleId.startsWith('USAGE'))
        .map((finding) => `${finding.ruleId} ${finding.object.name}`)
        .sort();
    expect(rules(withLog.stdout)).toEqual([
      'USAGE001 default',
      'USAGE002 cart',
      'USAGE002 legacy',
      'USAGE003 legacy',
      'USAGE004 idle',
      'USAGE005 cart',
    ]);
    expect(rules(without.stdout)).toEqual([]);
    expect(withLog.code).toBe(1);
  }, 60_000);
});
