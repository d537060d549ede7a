import { describe, expect, it } from 'vitest';
import { generateObjects } from '../../bench/generate.js';
import { Coverage } from '../../src/inventory/coverage.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import { escalationFactIds, escalationFacts } from '../../src/rbac/escalation.js';
import { identityClasses } from '../../src/rbac/identity-classes.js';
import { buildRbacModel, type RbacModel } from '../../src/rbac/rbac-model.js';
import { serviceAccountRbac } from '../../src/rbac/service-account-rbac.js';
import { describeEscalation } from '../../src/report/permissions-report.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';
import { corpusInventory, modelOf } from './helpers.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';

/** What the materialised paths say an SA gains, certainly: the union of their targets' new facts. */
function gainedByPaths(model: RbacModel, namespace: string, name: string): string[] {
  const paths = serviceAccountRbac(model, namespace, name).escalations.filter((path) => path.certain);
  return [...new Set(paths.flatMap((path) => path.targetFacts))].sort();
}

function expectGraphAgreesWithPaths(model: RbacModel): void {
  const disagreements: string[] = [];
  for (const sa of model.serviceAccounts) {
    const namespace = sa.namespace ?? '';
    const fromGraph = [...escalationFactIds(model, sa)];
    const fromPaths = gainedByPaths(model, namespace, sa.name);
    if (fromGraph.join() !== fromPaths.join()) disagreements.push(`${namespace}/${sa.name}: graph ${fromGraph} paths ${fromPaths}`);
  }
  expect(disagreements).toEqual([]);
}

// The dense shape of issue 10: every SA of a namespace may create pods there, CI runners may create them
// everywhere, one SA per namespace reads Secrets, some mint tokens, one impersonates a runner, one is admin.
const denseModel = buildRbacModel(
  buildInventory(
    generateObjects('dense', 1_000).map((value) => ({ value })),
    { defaultNamespace: 'default', origin: 'files' },
  ),
  { defaultRbac: loadDefaultRbac(), riskFacts: builtInRiskFacts },
);

describe('escalation graph over identity classes, on the dense shape', () => {
  it('groups the SAs no binding names into one class per namespace', () => {
    const index = identityClasses(denseModel);
    // Per tenant namespace: the namespace's class, plus sa-1 (secret-reader) and, every tenth, sa-2 (token-minter).
    const tenant5 = index.classesByNamespace.get('tenant-5') ?? [];
    expect(tenant5.map((identity) => identity.named?.name ?? '*')).toEqual(['*', 'sa-1']);
    // sa-0 and sa-2 … sa-99, and the namespace's `default`, which the control plane creates.
    expect(tenant5[0]?.members).toHaveLength(100);
    expect(tenant5[0]?.members.map((sa) => sa.name)).toContain('default');
    expect((index.classesByNamespace.get('tenant-0') ?? []).map((identity) => identity.named?.name ?? '*')).toEqual([
      '*',
      'sa-1',
      'sa-2',
      'sa-3',
    ]);
    expect(index.classOf('tenant-5', 'sa-42')).toBe(index.classOf('tenant-5', 'sa-77'));
    expect(index.classOf('tenant-5', 'sa-1')).not.toBe(index.classOf('tenant-5', 'sa-42'));
  });

  it('a tenant SA gains what its namespace neighbours hold: secrets-read from sa-1', () => {
    expect(escalationFactIds(denseModel, { kind: 'ServiceAccount', namespace: 'tenant-5', name: 'sa-42' })).toEqual(['secrets-read']);
    // tenant-0's sa-2 mints tokens for the namespace, and tenant-0's sa-3 may impersonate ci/runner-0, who
    // creates pods everywhere: so every SA of tenant-0 reaches ci/admin-bot, which is cluster-admin.
    expect(escalationFactIds(denseModel, { kind: 'ServiceAccount', namespace: 'tenant-0', name: 'sa-42' })).toEqual(
      expect.arrayContaining(['cluster-admin', 'impersonate', 'secrets-read', 'token-create', 'workload-create']),
    );
  });

  it('a CI runner that creates pods everywhere reaches the cluster-admin bot', () => {
    const paths = serviceAccountRbac(denseModel, 'ci', 'runner-0').escalations;
    const admin = paths.find((path) => path.target.name === 'admin-bot');
    expect(admin?.hops).toEqual([{ via: 'workload-create', to: { kind: 'ServiceAccount', namespace: 'ci', name: 'admin-bot' } }]);
    expect(admin?.targetFacts).toContain('cluster-admin');
    expect(escalationFactIds(denseModel, { kind: 'ServiceAccount', namespace: 'ci', name: 'runner-0' })).toContain('cluster-admin');
  });

  it('gives, for every SA, exactly the facts the materialised paths gain', () => {
    expectGraphAgreesWithPaths(denseModel);
  });
});

describe('escalation graph agrees with the paths', () => {
  const sa = (namespace: string, name: string) =>
    `---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}, namespace: ${namespace}}\n`;
  const role = (name: string, rules: string) =>
    `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: ${name}}\nrules: ${rules}\n`;
  const bind = (name: string, roleName: string, subject: string, namespace?: string) =>
    `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ${namespace ? 'RoleBinding' : 'ClusterRoleBinding'}\n` +
    `metadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}}\n` +
    `roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${roleName}}\nsubjects: [${subject}]\n`;
  const account = (namespace: string, name: string) => `{kind: ServiceAccount, name: ${name}, namespace: ${namespace}}`;

  it('over cycles, named tokens, impersonated usernames, cluster-admin stops and namespaced vs cluster-wide facts', () => {
    const yaml =
      role('admin-all', '[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]') +
      role('pods', '[{apiGroups: [""], resources: [pods], verbs: [create]}]') +
      role('secrets', '[{apiGroups: [""], resources: [secrets], verbs: [get]}]') +
      role('token-b', '[{apiGroups: [""], resources: [serviceaccounts/token], verbs: [create], resourceNames: [b]}]') +
      role('imp-c', '[{apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: ["system:serviceaccount:gamma:c"]}]') +
      ['a', 'b', 'c', 'd', 'e'].map((name) => sa('alpha', name) + sa('beta', name) + sa('gamma', name)).join('') +
      // (Namespaces are not x/y/z: YAML 1.1 reads `y` as true, as kubectl would.)
      // alpha:a creates pods in beta; beta:b mints a token for gamma:b; gamma:b impersonates gamma:c; gamma:c
      // creates pods in alpha: a cycle.
      bind('a-pods', 'pods', account('alpha', 'a'), 'beta') +
      bind('b-token', 'token-b', account('beta', 'b'), 'gamma') +
      bind('zb-imp', 'imp-c', account('gamma', 'b')) +
      bind('c-pods', 'pods', account('gamma', 'c'), 'alpha') +
      // Secrets readable in beta by beta:d, cluster-wide by gamma:e (reached by nobody); alpha:e is admin and creates pods in gamma.
      bind('yd-secrets', 'secrets', account('beta', 'd'), 'beta') +
      bind('ze-secrets', 'secrets', account('gamma', 'e')) +
      bind('xe-admin', 'admin-all', account('alpha', 'e')) +
      bind('xe-pods', 'pods', account('alpha', 'e'), 'gamma') +
      // Every SA of beta may create pods in beta (the dense pattern), and beta:a may read Secrets in beta already.
      bind('y-all-pods', 'pods', '{kind: Group, name: "system:serviceaccounts:beta"}', 'beta') +
      bind('ya-secrets', 'secrets', account('beta', 'a'), 'beta');
    for (const defaults of [false, true]) {
      const model = modelOf(yaml, { defaultRbac: defaults });
      expectGraphAgreesWithPaths(model);
      expect(escalationFactIds(model, { kind: 'ServiceAccount', namespace: 'alpha', name: 'a' })).toEqual(
        expect.arrayContaining(['cluster-admin', 'impersonate', 'secrets-read', 'token-create']),
      );
      // beta:a reads Secrets in beta itself: reaching beta:d adds nothing there, but the cycle leads to alpha:e (admin).
      expect(escalationFactIds(model, { kind: 'ServiceAccount', namespace: 'beta', name: 'a' })).toContain('cluster-admin');
      // A plain SA of gamma reaches nothing (only the admin creates pods in gamma).
      expect(escalationFactIds(model, { kind: 'ServiceAccount', namespace: 'gamma', name: 'd' })).toEqual([]);
    }
  });

  it('on real installs (kube-prometheus, argo-cd, flux2)', async () => {
    for (const path of ['kube-prometheus', 'argo-cd', 'flux2']) {
      const model = buildRbacModel(await corpusInventory(path), { defaultRbac: loadDefaultRbac(), riskFacts: builtInRiskFacts });
      expect(model.serviceAccounts.length).toBeGreaterThan(3);
      expectGraphAgreesWithPaths(model);
    }
  });
});

describe('escalation to ServiceAccounts that do not exist (a complete ServiceAccount list)', () => {
  // A cluster read that listed every ServiceAccount: kube-system has `default` and `real` only, while
  // bindings name kube-system:ghost (cluster-admin) and kube-system:real (secrets).
  const objects = (ciMayCreateServiceAccounts: boolean, impersonator = true): unknown[] => [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ci', namespace: 'team' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'imp', namespace: 'team' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'kube-system' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'real', namespace: 'kube-system' } },
    clusterRole('pods', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]),
    clusterRole('everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    clusterRole('secrets', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
    clusterRole('sa-maker', [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['create'] }]),
    clusterRole('impersonator', [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }]),
    binding('ci-pods', 'pods', { kind: 'ServiceAccount', name: 'ci', namespace: 'team' }),
    binding('ghost-admin', 'everything', { kind: 'ServiceAccount', name: 'ghost', namespace: 'kube-system' }),
    binding('real-secrets', 'secrets', { kind: 'ServiceAccount', name: 'real', namespace: 'kube-system' }),
    ...(impersonator ? [binding('imp', 'impersonator', { kind: 'ServiceAccount', name: 'imp', namespace: 'team' }, 'kube-system')] : []),
    ...(ciMayCreateServiceAccounts
      ? [binding('ci-sa', 'sa-maker', { kind: 'ServiceAccount', name: 'ci', namespace: 'team' }, 'kube-system')]
      : []),
  ];
  const modelOfCluster = (ciMayCreateServiceAccounts: boolean, coverage = Coverage.everythingListed, impersonator = true) =>
    buildRbacModel(
      buildInventory(
        objects(ciMayCreateServiceAccounts, impersonator).map((value) => ({ value })),
        { defaultNamespace: 'default', origin: 'cluster', coverage },
      ),
      { riskFacts: builtInRiskFacts },
    );
  const targets = (model: RbacModel, name: string) =>
    serviceAccountRbac(model, 'team', name)
      .escalations.map((path) => `${path.target.namespace}:${path.target.name}`)
      .sort();

  it('pods reach only the ServiceAccounts that exist', () => {
    const model = modelOfCluster(false);
    const paths = serviceAccountRbac(model, 'team', 'ci').escalations;
    expect(paths.map((path) => `${path.target.namespace}:${path.target.name}`).sort()).toEqual([
      'kube-system:ghost',
      'kube-system:real',
      'team:imp',
    ]);
    // ghost is reached only through imp, which may impersonate it: never by a pod that names it.
    const ghost = paths.find((path) => path.target.name === 'ghost');
    expect(ghost?.hops.map((hop) => `${hop.via} ${hop.to.namespace}:${hop.to.name}`)).toEqual([
      'workload-create team:imp',
      'impersonate kube-system:ghost',
    ]);
    expectGraphAgreesWithPaths(model);
  });

  it('a subject that may create ServiceAccounts there reaches the missing one, and the path says so', () => {
    const model = modelOfCluster(true);
    const ghost = serviceAccountRbac(model, 'team', 'ci').escalations.find((path) => path.target.name === 'ghost');
    expect(ghost?.hops).toEqual([
      { via: 'workload-create', to: { kind: 'ServiceAccount', name: 'ghost', namespace: 'kube-system' }, createsServiceAccount: true },
    ]);
    expect(describeEscalation(ghost!)).toBe(
      'can become kube-system:ghost (via pod create in every namespace after creating ServiceAccount kube-system:ghost, which it may), which holds cluster-admin',
    );
    expect(escalationFactIds(model, { kind: 'ServiceAccount', namespace: 'team', name: 'ci' })).toContain('cluster-admin');
    expectGraphAgreesWithPaths(model);
  });

  it('impersonation needs no object: the missing one is reached by its username', () => {
    const model = modelOfCluster(false);
    expect(targets(model, 'imp')).toEqual(['kube-system:ghost', 'kube-system:real']);
  });

  // Only team's ServiceAccounts were read: kube-system:real and kube-system:ghost may or may not exist.
  const teamOnly = Coverage.ofReads([{ group: '', kind: 'ServiceAccount', namespace: 'team', state: 'listed' }]);
  const ci = { kind: 'ServiceAccount' as const, namespace: 'team', name: 'ci' };

  it('where the ServiceAccount list was forbidden, a path through an unread one is unknown, not a claim', () => {
    const partial = modelOfCluster(false, teamOnly, false);
    const paths = serviceAccountRbac(partial, 'team', 'ci').escalations;
    const ghost = paths.find((path) => path.target.name === 'ghost');
    expect(ghost?.certain).toBe(false);
    expect(ghost?.hops).toEqual([
      { via: 'workload-create', to: { ...ci, name: 'ghost', namespace: 'kube-system' }, existenceUnknown: true },
    ]);
    expect(describeEscalation(ghost!)).toBe(
      'could become kube-system:ghost (via pod create in every namespace), which holds cluster-admin, if kube-system:ghost exists (ServiceAccounts not read)',
    );
    // kube-system:real was read (the objects are those a namespace-wide list would not show): a claim.
    expect(paths.map((path) => `${path.target.name} ${path.certain}`).sort()).toEqual(['ghost false', 'real true']);
    // The claim holds real's Secrets, and says it may be more.
    expect(escalationFacts(partial, ci)).toEqual({ ids: ['secrets-read'], unsure: true });
    // The same ServiceAccounts, all listed: ghost is ruled out, real is a claim, and every answer is sure.
    expect(escalationFacts(modelOfCluster(false, Coverage.everythingListed, false), ci)).toEqual({ ids: ['secrets-read'], unsure: false });
    expectGraphAgreesWithPaths(partial);
  });

  it('a path that holds through a ServiceAccount that was read is still a claim', () => {
    // team:imp was read and may impersonate kube-system's ServiceAccounts, which needs no object.
    const partial = modelOfCluster(false, teamOnly);
    const paths = serviceAccountRbac(partial, 'team', 'ci').escalations;
    expect(paths.map((path) => `${path.target.name} ${path.certain} ${path.hops.length}`).sort()).toEqual([
      'ghost true 2',
      'imp true 1',
      'real true 1',
    ]);
    // Unsure all the same: the graph marks what a pod create into kube-system might reach through an unread
    // ServiceAccount, though impersonation reaches it anyway (an unknown to count, never a claim).
    expect(escalationFacts(partial, ci)).toMatchObject({
      unsure: true,
      ids: expect.arrayContaining(['cluster-admin', 'impersonate', 'secrets-read']),
    });
    expectGraphAgreesWithPaths(partial);
  });

  it('a subject that may create ServiceAccounts in an unread namespace reaches its ServiceAccounts certainly', () => {
    const partial = modelOfCluster(true, teamOnly, false);
    const ghost = serviceAccountRbac(partial, 'team', 'ci').escalations.find((path) => path.target.name === 'ghost');
    expect(ghost).toMatchObject({ certain: true, hops: [{ via: 'workload-create', to: { name: 'ghost' } }] });
    expect(ghost?.hops[0]).not.toHaveProperty('createsServiceAccount');
    expect(escalationFacts(partial, ci)).toMatchObject({ unsure: false, ids: expect.arrayContaining(['cluster-admin']) });
    expectGraphAgreesWithPaths(partial);
  });

  it('files are the whole input: a namespace they show no ServiceAccount of holds the ones bindings name', () => {
    const files = buildRbacModel(
      buildInventory(
        objects(false)
          .filter((object) => (object as { metadata: { namespace?: string } }).metadata.namespace !== 'kube-system')
          .map((value) => ({ value })),
        { defaultNamespace: 'default', origin: 'files' },
      ),
      { riskFacts: builtInRiskFacts },
    );
    const paths = serviceAccountRbac(files, 'team', 'ci').escalations;
    expect(paths.find((path) => path.target.name === 'ghost')).toMatchObject({ certain: true, hops: [{ via: 'workload-create' }] });
    expect(escalationFacts(files, { kind: 'ServiceAccount', namespace: 'team', name: 'ci' }).unsure).toBe(false);
  });
});

function clusterRole(name: string, rules: unknown[]): unknown {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules };
}

function binding(name: string, role: string, subject: object, namespace?: string): unknown {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [subject],
  };
}
