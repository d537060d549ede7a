import { describe, expect, it } from 'vitest';
import { allNamespacesKey, buildExplorerData, clusterScopedKey, type ExplorerData } from '../../src/tui/explorer-data.js';
import { compileFilter, serviceAccountFilterable, sortServiceAccounts } from '../../src/tui/list-query.js';
import { examples, exploreFiles, exploreYaml } from './helpers.js';

/** Every finding of the scan is on some row of its namespace (or of "(cluster-scoped)"): none is dropped. */
function expectNothingDropped(data: ExplorerData, findings: readonly { readonly object: { readonly namespace?: string } }[]): void {
  const shown = new Set((data.rowsByNamespace.get(allNamespacesKey) ?? []).flatMap((row) => row.findings));
  const missing = findings.filter((finding) => !shown.has(finding as never));
  expect(missing).toEqual([]);
  const all = data.namespaces.find((row) => row.key === allNamespacesKey);
  expect(all?.findings).toBe(findings.length);
}

describe('buildExplorerData', () => {
  it('puts each finding of examples/ on the ServiceAccount it concerns', async () => {
    const { data: exploration } = await exploreFiles(examples);
    const data = buildExplorerData(exploration);
    expectNothingDropped(data, exploration.evaluation.findings);
    const row = (key: string) => data.rowsByKey.get(key);
    // examples/insecure/reporting.yaml: the CronJob runs as reporting; its 24 h projected token (SA007) is reporting's.
    expect(row('shop/reporting')?.findings.map((finding) => finding.ruleId)).toContain('SA007');
    // examples/insecure/ci-deployer.yaml: the legacy token Secret (SA004) is ci-deployer's, so is the cluster-admin binding.
    expect(row('shop/ci-deployer')?.findings.map((finding) => finding.ruleId)).toEqual(expect.arrayContaining(['SA004', 'RBAC001']));
    expect(row('shop/ci-deployer')).toMatchObject({ worst: 'critical', tokenKind: 'legacy', automount: 'unset' });
    // The storefront and cart Deployments run as shop's default (SA002 twice) and get its token.
    expect(row('shop/default')?.findings.filter((finding) => finding.ruleId === 'SA002')).toHaveLength(2);
    expect(row('shop/default')).toMatchObject({ tokenKind: 'projected', automount: 'unset' });
    expect(
      row('shop/default')
        ?.workloads.map((workload) => workload.object.name)
        .sort(),
    ).toEqual(['cart', 'storefront']);
    // payments is the hardened example: automount off everywhere, no findings.
    expect(row('payments/payments-api')).toMatchObject({ worst: undefined, automount: 'off' });
    expect(data.namespaces.find((namespace) => namespace.key === 'payments')).toMatchObject({ findings: 0, worst: undefined });
  });

  it('lists the very profiles the scan judged: each finding about a ServiceAccountProfile is on the row holding it', async () => {
    const { data: exploration } = await exploreFiles(examples);
    const data = buildExplorerData(exploration);
    const onProfiles = exploration.evaluation.findings.filter((finding) => finding.target === 'ServiceAccountProfile');
    // RBAC019, RBAC005, RBAC003 of shop/default and shop/reporting, at least (see "filters and sorts" below).
    expect(onProfiles.length).toBeGreaterThanOrEqual(6);
    for (const finding of onProfiles) {
      const row = data.rowsByKey.get(`${finding.object.namespace}/${finding.object.name}`);
      // The same object, not an equal one built again after the scan.
      expect(row?.profile).toBe(finding.document);
      expect(row?.findings).toContain(finding);
    }
  });

  it('lists a ServiceAccount declared twice once, as its later document says, with the findings of both', async () => {
    const { data: exploration } = await exploreYaml(`
apiVersion: v1
kind: ServiceAccount
metadata: { name: app, namespace: team }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: app, namespace: team }
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: app-admin, namespace: team }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin }
subjects: [{ kind: ServiceAccount, name: app, namespace: team }]
`);
    const data = buildExplorerData(exploration);
    expectNothingDropped(data, exploration.evaluation.findings);
    const rows = (data.rowsByNamespace.get('team') ?? []).filter((row) => row.name === 'app');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ automount: 'off' });
    // Both documents are judged (each may be the one applied): the admin binding's findings are there twice.
    const profiles = new Set(
      rows[0]!.findings.filter((finding) => finding.target === 'ServiceAccountProfile').map((finding) => finding.document),
    );
    expect(profiles.size).toBe(2);
  });

  it('lists findings about no single ServiceAccount on an "other findings" row, and cluster-scoped ones apart', async () => {
    const { data: exploration } = await exploreYaml(`
apiVersion: v1
kind: ServiceAccount
metadata: { name: app, namespace: team }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: everyone-reads-secrets, namespace: team }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ kind: Group, apiGroup: rbac.authorization.k8s.io, name: system:serviceaccounts:team }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: all-accounts-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: Group, apiGroup: rbac.authorization.k8s.io, name: system:serviceaccounts }]
`);
    const data = buildExplorerData(exploration);
    expectNothingDropped(data, exploration.evaluation.findings);
    const others = (data.rowsByNamespace.get(allNamespacesKey) ?? []).filter((row) => row.kind === 'other');
    const otherKeys = others.map((row) => row.namespace);
    expect(otherKeys).toContain(clusterScopedKey);
    const clusterOther = others.find((row) => row.namespace === clusterScopedKey);
    expect(clusterOther?.findings.every((finding) => finding.object.kind === 'ClusterRoleBinding')).toBe(true);
    expect(data.namespaces.at(-1)).toMatchObject({ key: clusterScopedKey, label: '(cluster-scoped)' });
  });
});

describe('filters and sorts', () => {
  it('matches names, rule ids by prefix, severities at or above, and negations', async () => {
    const { data: exploration } = await exploreFiles(examples);
    const rows = buildExplorerData(exploration).rowsByNamespace.get(allNamespacesKey) ?? [];
    const names = (query: string) =>
      rows
        .filter((row) => compileFilter(query)(serviceAccountFilterable(row, row.name)))
        .map((row) => row.key)
        .sort();
    expect(names('ledger')).toEqual(['payments/ledger-sync']);
    expect(names('rule:SA00')).toEqual(names('SA00'));
    // Critical: ci-deployer is bound to cluster-admin (examples/insecure/ci-deployer.yaml); default and reporting
    // hold Role config-reader (bound to system:serviceaccounts:shop, examples/insecure/reporting.yaml), which may
    // create jobs in shop, so run a pod as ci-deployer: they can become cluster-admin.
    const critical = ['shop/ci-deployer', 'shop/default', 'shop/reporting'];
    expect(names('sev:critical')).toEqual(critical);
    expect(names('sev:critical !rule:RBAC019')).toEqual(['shop/ci-deployer']);
    // At or above: every row with a high or critical finding.
    expect(names('sev:high')).toEqual(
      rows
        .filter((row) => row.worst === 'critical' || row.worst === 'high')
        .map((row) => row.key)
        .sort(),
    );
    expect(names('shop !sev:high')).toEqual(
      rows
        .filter((row) => row.namespace === 'shop' && row.worst !== 'critical' && row.worst !== 'high')
        .map((row) => row.key)
        .sort(),
    );
    // Bare words in any case: every critical account is in shop.
    expect(names('SHOP CRIT')).toEqual(critical);
    expect(names('')).toHaveLength(rows.length);
  });

  it('sorts by worst finding, then reach, then findings by severity; every order is total and stable', async () => {
    const { data: exploration } = await exploreFiles(examples);
    const rows = buildExplorerData(exploration).rowsByNamespace.get(allNamespacesKey) ?? [];
    const byRisk = sortServiceAccounts(rows, 'risk');
    const row = (key: string) => rows.find((candidate) => candidate.key === key)!;
    // Three accounts of shop are critical (see above). ci-deployer holds cluster-admin, so it may create pods in
    // every namespace and becomes every other account; default and reporting reach only shop's accounts through it.
    // It comes first though it has the fewest findings of the three: fixing it clears their critical findings too.
    expect(row('shop/ci-deployer').canBecome).toBeGreaterThan(row('shop/default').canBecome);
    expect(row('shop/ci-deployer').findings.length).toBeLessThan(row('shop/default').findings.length);
    expect(byRisk.slice(0, 3).map((account) => account.key)).toEqual(['shop/ci-deployer', 'shop/reporting', 'shop/default']);
    // reporting before default, at the same reach: two high findings (it may create jobs, RBAC005; the binding that
    // names it also gives the Role to all of shop, RBAC009) outweigh default's one high and four medium ones.
    expect(row('shop/reporting').bySeverity).toMatchObject({ critical: 1, high: 2 });
    expect(row('shop/default').bySeverity).toMatchObject({ critical: 1, high: 1 });
    expect(row('shop/default').findings.length).toBeGreaterThan(row('shop/reporting').findings.length);
    // The hardened payments accounts have no finding: last.
    expect(byRisk.slice(3).every((account) => account.namespace === 'payments' && account.worst === undefined)).toBe(true);
    expect(sortServiceAccounts([...rows].reverse(), 'risk').map((row) => row.key)).toEqual(byRisk.map((row) => row.key));
    const byBecome = sortServiceAccounts(rows, 'become');
    for (let index = 1; index < byBecome.length; index++)
      expect(byBecome[index - 1]!.canBecome).toBeGreaterThanOrEqual(byBecome[index]!.canBecome);
  });
});
