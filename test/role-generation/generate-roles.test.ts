import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { generateRole, type RoleGeneration } from '../../src/app/role-generate.js';
import { authorize, serviceAccountIdentity } from '../../src/rbac/authorize.js';
import { buildRbacModel } from '../../src/rbac/rbac-model.js';
import { renderRoleManifests } from '../../src/report/role-manifests.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';
import { harnessLogPath, harnessObjectsPath } from '../helpers/audit-fixture.js';
import { inventoryFromYaml } from '../helpers/inventory.js';

const cart = { namespace: 'shop', name: 'cart' };
const fromAudit = (options: { names?: boolean; expandVerbs?: boolean; clusterWide?: boolean; account?: typeof cart } = {}) =>
  generateRole({
    serviceAccount: options.account ?? cart,
    from: { kind: 'audit', auditLog: { paths: [harnessLogPath] }, names: options.names ?? false },
    expandVerbs: options.expandVerbs,
    clusterWide: options.clusterWide,
  });

const rulesOf = (generation: RoleGeneration) =>
  generation.generated.roles.map((role) => ({ kind: role.kind, namespace: role.namespace, rules: role.role.rules }));

describe('role generate --from-audit on the harness log', () => {
  it('gives cart exactly what its allowed requests needed, leaving out the baseline and what RBAC denied', async () => {
    const { data } = await fromAudit();
    expect(rulesOf(data)).toEqual([
      {
        kind: 'Role',
        namespace: 'shop',
        rules: [
          { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get'] },
          { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
        ],
      },
    ]);
    expect(data.audit?.left.denied).toEqual({ count: 2, examples: ['create configmaps in shop ×1', 'list secrets in shop ×1'] });
    expect(data.audit?.left.baseline.examples).toEqual(expect.arrayContaining(['get /apis ×1', 'get /version ×1']));
    expect(data.audit?.secretNamesCollapsed).toEqual(['shop/cart-tls']);
  });

  it('--names keeps the objects the requests named; list and watch stay unnamed', async () => {
    const { data, warnings } = await fromAudit({ names: true });
    expect(rulesOf(data)[0]?.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['kube-root-ca.crt'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], resourceNames: ['cart-0'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['cart-tls'], verbs: ['get'] },
    ]);
    expect(warnings).toEqual([]);
  });

  it('create never carries a name, even with --names; the impersonator gets impersonate on the one ServiceAccount', async () => {
    const deployer = await fromAudit({ names: true, account: { namespace: 'shop', name: 'deployer' } });
    expect(rulesOf(deployer.data)[0]?.rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] },
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'], verbs: ['get'] },
    ]);
    const impersonator = await fromAudit({ names: true, account: { namespace: 'shop', name: 'impersonator' } });
    expect(rulesOf(impersonator.data)[0]?.rules).toEqual([
      { apiGroups: [''], resources: ['serviceaccounts'], resourceNames: ['cart'], verbs: ['impersonate'] },
    ]);
  });

  it('--cluster-wide makes one ClusterRole; --expand-verbs adds the related verbs only then', async () => {
    const { data } = await fromAudit({ clusterWide: true, expandVerbs: true, account: { namespace: 'shop', name: 'deployer' } });
    expect(rulesOf(data)).toEqual([
      {
        kind: 'ClusterRole',
        namespace: undefined,
        rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'create'] }],
      },
    ]);
    expect(data.generated.roles[0]?.binding).toMatchObject({
      kind: 'ClusterRoleBinding',
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'shop' }],
    });
  });

  it('prints byte-identical YAML for the same log, which reads back as the objects, each rule explained', async () => {
    const first = renderRoleManifests((await fromAudit()).data, 'yaml');
    const second = renderRoleManifests((await fromAudit()).data, 'yaml');
    expect(second).toBe(first);
    const objects = loadAll(first) as { kind: string }[];
    const { data } = await fromAudit();
    expect(objects).toEqual(data.generated.roles.flatMap((role) => [role.role, role.binding]));
    const comments = first.split('\n').filter((line) => line.startsWith('# ') && line.includes('request(s),'));
    expect(comments).toHaveLength(2);
    expect(comments[1]).toMatch(/^# 4 request\(s\), .* – .*: list pods in shop ×2, get pods\/cart-0 in shop ×1, watch pods in shop ×1$/);
    expect(first).toContain('# Left out, as RBAC denied them: 2 request(s)');
  });

  it('a ServiceAccount the log never shows gets no role, and a warning', async () => {
    const { data, warnings } = await fromAudit({ account: { namespace: 'shop', name: 'idle' } });
    expect(data.generated.roles).toEqual([]);
    expect(warnings[0]?.message).toMatch(/^ServiceAccount shop\/idle made no request in the audit log/);
  });

  it('the generated Role allows every allowed request of the log and nothing the log did not need (RBAC engine)', async () => {
    const { data } = await fromAudit({ names: true });
    const yaml = renderRoleManifests(data, 'yaml');
    const model = buildRbacModel(inventoryFromYaml(yaml), { defaultRbac: loadDefaultRbac() });
    const identity = serviceAccountIdentity('shop', 'cart');
    const ask = (verb: string, resource: string, name?: string) =>
      authorize(model, { ...identity, verb, apiGroup: '', resource, namespace: 'shop', ...(name ? { name } : {}) }).allowed;
    expect([
      ask('get', 'pods', 'cart-0'),
      ask('list', 'pods'),
      ask('watch', 'pods'),
      ask('get', 'configmaps', 'kube-root-ca.crt'),
      ask('get', 'secrets', 'cart-tls'),
    ]).toEqual([true, true, true, true, true]);
    expect([
      ask('get', 'pods', 'other'),
      ask('list', 'secrets'),
      ask('get', 'secrets', 'other'),
      ask('list', 'configmaps'),
      ask('delete', 'pods', 'cart-0'),
    ]).toEqual([false, false, false, false, false]);
  });
});

describe('role generate --diff against what the ServiceAccount holds (the objects the replay created)', () => {
  it('says what to add, what to narrow and what to drop', async () => {
    const { data } = await generateRole({
      serviceAccount: cart,
      from: { kind: 'audit', auditLog: { paths: [harnessLogPath] }, names: true },
      diff: { input: { paths: [harnessObjectsPath], cluster: {} }, defaultRbac: true },
    });
    const diff = data.diff;
    expect(diff?.generated.every((rule) => rule.status === 'held')).toBe(true);
    expect(diff?.current.map((rule) => [rule.rule.resources?.join(','), rule.status, rule.beyond])).toEqual([
      ['pods', 'narrowed', ['get pods in shop']],
      ['configmaps', 'narrowed', ['get configmaps in shop', 'list configmaps in shop']],
      ['secrets', 'kept', []],
      ['deployments', 'dropped', ['delete deployments.apps in shop']],
    ]);
    expect(diff?.changes).toBe(true);
  });

  it('without --names, get on every Secret is something to add', async () => {
    const { data } = await generateRole({
      serviceAccount: cart,
      from: { kind: 'audit', auditLog: { paths: [harnessLogPath] }, names: false },
      diff: { input: { paths: [harnessObjectsPath], cluster: {} }, defaultRbac: true },
    });
    expect(data.diff?.generated.map((rule) => [rule.status, rule.missing])).toEqual([
      ['add', ['get secrets in shop']],
      ['held', []],
    ]);
  });

  it('no change when the ServiceAccount holds exactly the generated rules', async () => {
    const typed = await generateRole({
      serviceAccount: { namespace: 'shop', name: 'legacy' },
      from: { kind: 'rules', rules: [{ verbs: ['list'], resources: ['configmaps'], resourceNames: [], nonResourceURLs: [] }] },
      diff: { input: { paths: [harnessObjectsPath], cluster: {} }, defaultRbac: true },
    });
    expect(typed.data.diff).toMatchObject({ changes: false, current: [{ status: 'kept' }], generated: [{ status: 'held' }] });
  });
});
