import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicies } from '../../src/app/load-policies.js';
import { rbacForInventory } from '../../src/app/rbac-input.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';
import { Coverage, type CoverageRecord } from '../../src/inventory/coverage.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import { evaluatePolicies } from '../../src/policy/evaluate.js';
import { buildScanReport } from '../../src/report/scan-report.js';
import { renderScanTable } from '../../src/report/scan-table.js';
import { builtInPacks, fixedNow, label } from './scan-helper.js';

const rbac = 'rbac.authorization.k8s.io';

/** A cluster with ServiceAccount a/app (automount off), a binding naming it and a/ghost, and a Deployment running as app. */
const objects: readonly unknown[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'a' }, automountServiceAccountToken: false },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'a' }, automountServiceAccountToken: false },
  {
    apiVersion: `${rbac}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'view', namespace: 'a' },
    roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'view' },
    subjects: [
      { kind: 'ServiceAccount', name: 'app' },
      { kind: 'ServiceAccount', name: 'ghost' },
    ],
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'a' },
    spec: { template: { spec: { serviceAccountName: 'app', containers: [] } } },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'plain', namespace: 'a' },
    spec: { template: { spec: { containers: [] } } },
  },
];

const listed = (kind: string, group = ''): CoverageRecord => ({ group, kind, state: 'listed' });
const everyKind = [
  listed('ServiceAccount'),
  listed('Deployment', 'apps'),
  listed('Role', rbac),
  listed('RoleBinding', rbac),
  listed('ClusterRole', rbac),
  listed('ClusterRoleBinding', rbac),
];

/** What a cluster read returns: the objects a user could list, and what each list covered. */
function scanCluster(records: readonly CoverageRecord[], visible: (object: { kind: string }) => boolean) {
  const inventory = buildInventory(
    objects.filter((object) => visible(object as { kind: string })).map((value) => ({ value })),
    { defaultNamespace: 'default', origin: 'cluster', coverage: Coverage.ofReads(records) },
  );
  const evaluation = evaluatePolicies(inventory, builtInPacks, {
    now: fixedNow,
    rbac: rbacForInventory(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts }),
  });
  return { evaluation, report: buildScanReport(inventory, builtInPacks, evaluation, 'high') };
}

describe('Coverage', () => {
  it('knows a kind where a list covered it, and why not elsewhere', () => {
    const coverage = Coverage.ofReads([
      { group: '', kind: 'ServiceAccount', state: 'forbidden' },
      { group: '', kind: 'ServiceAccount', namespace: 'a', state: 'listed' },
      { group: '', kind: 'Secret', state: 'listed', fieldSelector: 'type=kubernetes.io/service-account-token' },
    ]);
    expect(coverage.covers('', 'ServiceAccount', 'a')).toBe(true);
    expect(coverage.gap('', 'ServiceAccount', 'b')).toBe('forbidden');
    expect(coverage.gap('', 'Secret', 'a')).toBe('not-read');
    expect(coverage.gap('apps', 'Deployment', 'a')).toBe('not-read');
    expect(Coverage.wholeInput.covers('', 'ServiceAccount', 'anything')).toBe(true);
  });
});

describe('rules that reason from absence on an incomplete cluster read', () => {
  it('with every list done, a missing ServiceAccount is a finding and nothing is unknown', () => {
    const { evaluation, report } = scanCluster(everyKind, () => true);
    expect(evaluation.findings.map(label)).toContain('RBAC010 RoleBinding/a/view');
    expect(report.summary.unknown).toBe(0);
    expect(report.coverage.complete).toBe(true);
  });

  it('with ServiceAccounts forbidden: no RBAC010, no SA001/SA003 guessed from what the SA might set; each unknown counted', () => {
    const records = [{ group: '', kind: 'ServiceAccount', state: 'forbidden' as const }, ...everyKind.slice(1)];
    const { evaluation, report } = scanCluster(records, (object) => object.kind !== 'ServiceAccount');
    const labels = evaluation.findings.map(label);
    expect(labels.filter((finding) => /^(RBAC010|SA001|SA003|SA008)/.test(finding))).toEqual([]);
    // What is known still counts: `plain` runs as the default ServiceAccount.
    expect(labels).toContain('SA002 Deployment/a/plain');
    expect(report.coverage.unread).toEqual([{ group: '', kind: 'ServiceAccount', namespace: null, state: 'forbidden' }]);
    const questions = Object.fromEntries(report.coverage.unknown.map((entry) => [entry.question, entry.serviceAccounts]));
    // app and ghost (existence); app and default (what they set).
    expect(questions).toEqual({ 'service-account-exists': 2, 'service-account-object': 2 });
    expect(report.coverage.complete).toBe(false);
    expect(renderScanTable(report, { colour: false })).toMatch(
      /\nunknown: 2 ServiceAccount\(s\) in namespace\(s\) a \(forbidden\): whether they exist is unknown, so no finding says they are missing\n/,
    );
  });

  it('with RoleBindings forbidden: no SA003 "has no permissions of its own"', () => {
    const sa = { ...(objects[0] as object), automountServiceAccountToken: undefined };
    const records = everyKind.map((record) => (record.kind === 'RoleBinding' ? { ...record, state: 'forbidden' as const } : record));
    const inventory = buildInventory(
      [sa, objects[3]].map((value) => ({ value })),
      { defaultNamespace: 'default', origin: 'cluster', coverage: Coverage.ofReads(records) },
    );
    const evaluation = evaluatePolicies(inventory, builtInPacks, {
      now: fixedNow,
      rbac: rbacForInventory(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts }),
    });
    expect(evaluation.findings.map(label)).not.toContain('SA003 Deployment/a/web');
    expect(evaluation.unknown.map((entry) => entry.question)).toContain('rbac-complete');
    // The same objects with every list done: the token is mounted for an SA that holds nothing.
    const complete = buildInventory(
      [sa, objects[3]].map((value) => ({ value })),
      { defaultNamespace: 'default', origin: 'cluster', coverage: Coverage.ofReads(everyKind) },
    );
    const full = evaluatePolicies(complete, builtInPacks, {
      now: fixedNow,
      rbac: rbacForInventory(complete, { defaultRbac: true, riskFacts: builtInRiskFacts }),
    });
    expect(full.findings.map(label)).toContain('SA003 Deployment/a/web');
  });

  it('files stay the whole input: nothing is unknown because of coverage', () => {
    const inventory = buildInventory(
      objects.map((value) => ({ value })),
      { defaultNamespace: 'default', origin: 'files' },
    );
    const evaluation = evaluatePolicies(inventory, builtInPacks, {
      now: fixedNow,
      rbac: rbacForInventory(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts }),
    });
    expect(evaluation.findings.map(label)).toContain('RBAC010 RoleBinding/a/view');
    expect(evaluation.unknown).toEqual([]);
  });
});

describe('a rule that reads escalation on an incomplete cluster read', () => {
  // team:ci may create pods everywhere; kube-system:ghost (cluster-admin) is named by a binding only.
  const escalationObjects: readonly unknown[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ci', namespace: 'team' } },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'pods' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'ci-pods' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'pods' },
      subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'team' }],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'ghost-admin' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'ghost', namespace: 'kube-system' }],
    },
  ];
  const pack = `apiVersion: kubectl-sa.dev/v1
kind: PolicyPack
metadata: {name: acme, version: 1.0.0}
rules:
  - id: ACME001
    title: can become cluster-admin
    severity: high
    target: ServiceAccountProfile
    match: {type: object, properties: {namespace: {const: team}}}
    assert: {type: object, properties: {rbac: {type: object, properties: {escalationFactIds: {type: array, items: {not: {const: cluster-admin}}}}}}}
    message: "{{object.name}} can become cluster-admin"
    remediation: r
`;

  async function scanWith(records: readonly CoverageRecord[]) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kubectl-sa-escalation-pack-'));
    const file = path.join(dir, 'acme.yaml');
    await writeFile(file, pack);
    const { packs } = await loadPolicies({ paths: [file], includeBuiltIn: false });
    const inventory = buildInventory(
      escalationObjects.map((value) => ({ value })),
      { defaultNamespace: 'default', origin: 'cluster', coverage: Coverage.ofReads(records) },
    );
    const evaluation = evaluatePolicies(inventory, packs, {
      now: fixedNow,
      rbac: rbacForInventory(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts }),
    });
    return { evaluation, report: buildScanReport(inventory, packs, evaluation, 'high') };
  }

  it('every ServiceAccount listed: ghost does not exist, so no path and nothing unknown', async () => {
    const { evaluation, report } = await scanWith(everyKind);
    expect(evaluation.findings.map(label)).toEqual([]);
    expect(report.coverage.unknown).toEqual([]);
  });

  it('ServiceAccounts forbidden: no finding claims the path through ghost, and the unknown is counted', async () => {
    const records = [{ group: '', kind: 'ServiceAccount', state: 'forbidden' as const }, ...everyKind.slice(1)];
    const { evaluation, report } = await scanWith(records);
    expect(evaluation.findings.map(label)).toEqual([]);
    const unknown = report.coverage.unknown.find((entry) => entry.question === 'escalation-targets-exist');
    expect(unknown).toMatchObject({ serviceAccounts: 1, namespaces: [{ namespace: 'team', gap: 'forbidden' }] });
    expect(unknown?.message).toContain('what they can gain by escalation counts only ServiceAccounts known to exist');
  });
});
