import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { Coverage, type CoverageRecord } from '../../src/inventory/coverage.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import { serviceAccountIdentity } from '../../src/rbac/authorize.js';
import { buildRbacModel } from '../../src/rbac/rbac-model.js';
import type { RbacKind, ResourceRequest } from '../../src/rbac/types.js';
import { answerAccess, unreadRbac } from '../../src/rbac/unread-rbac.js';
import { whoCan } from '../../src/rbac/who-can.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';

/**
 * examples/insecure/ as a live cluster would serve it, with the cluster's own cluster-admin ClusterRole:
 * ci-deployer is bound to cluster-admin by a ClusterRoleBinding; reporting holds Role config-reader in shop
 * (configmaps, secrets, jobs) through a RoleBinding. Each case says which lists were read.
 */
const rbac = 'rbac.authorization.k8s.io';
const examples = readdirSync('examples/insecure')
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) => loadAll(readFileSync(join('examples/insecure', file), 'utf8')))
  .filter((value) => value !== null && value !== undefined);
const clusterAdmin = loadDefaultRbac().clusterRoles.filter((role) => role.metadata.name === 'cluster-admin');

type Read = 'listed' | 'forbidden' | { readonly onlyIn: string };
type Reads = Partial<Record<RbacKind, Read>>;

/** The model of what a user with these reads gets: a forbidden list returns nothing; `onlyIn` only that namespace. */
function modelWith(reads: Reads) {
  const state = (kind: RbacKind): Read => reads[kind] ?? 'listed';
  const records = (['ClusterRoleBinding', 'ClusterRole', 'RoleBinding', 'Role'] as const).flatMap((kind): CoverageRecord[] => {
    const read = state(kind);
    if (read === 'listed') return [{ group: rbac, kind, state: 'listed' }];
    if (read === 'forbidden') return [{ group: rbac, kind, state: 'forbidden' }];
    // As read-cluster does it: the cluster-wide list refused, then the namespace's listed.
    return [
      { group: rbac, kind, state: 'forbidden' },
      { group: rbac, kind, namespace: read.onlyIn, state: 'listed' },
    ];
  });
  const visible = (value: unknown): boolean => {
    const object = value as { kind: RbacKind; metadata: { namespace?: string } };
    const read = reads[object.kind];
    if (read === undefined || read === 'listed') return true;
    return read !== 'forbidden' && object.metadata.namespace === read.onlyIn;
  };
  const inventory = buildInventory(
    [...examples, ...clusterAdmin].filter(visible).map((value) => ({ value })),
    { defaultNamespace: 'default', origin: 'cluster', coverage: Coverage.ofReads(records) },
  );
  return buildRbacModel(inventory, { knownDefaults: loadDefaultRbac() });
}

const asks = (account: string, verb: string, resource: string, namespace = 'shop'): ResourceRequest => ({
  ...serviceAccountIdentity('shop', account),
  verb,
  apiGroup: '',
  resource,
  namespace,
});

describe('can-i where RBAC lists were not read', () => {
  it('answers yes and no from complete reads', () => {
    const model = modelWith({});
    expect(answerAccess(model, asks('ci-deployer', 'create', 'pods'))).toMatchObject({ answer: 'yes', allowed: true, unread: [] });
    // config-reader grants configmaps, secrets and jobs: not pods.
    expect(answerAccess(model, asks('reporting', 'create', 'pods'))).toMatchObject({ answer: 'no', allowed: false, unread: [] });
  });

  it('a forbidden ClusterRoleBinding list makes a no unknown, naming the list', () => {
    const answer = answerAccess(modelWith({ ClusterRoleBinding: 'forbidden' }), asks('ci-deployer', 'create', 'pods'));
    expect(answer).toMatchObject({ answer: 'unknown', allowed: false });
    // ClusterRoles were listed: only the bindings are missing.
    expect(answer.unread).toEqual([{ kind: 'ClusterRoleBinding', reason: 'forbidden' }]);
  });

  it('a yes found in what was read stays yes, whatever else was not read', () => {
    const model = modelWith({ RoleBinding: 'forbidden', Role: 'forbidden' });
    expect(answerAccess(model, asks('ci-deployer', 'create', 'pods'))).toMatchObject({ answer: 'yes', unread: [] });
    // …and the same unread lists leave a no unknown.
    expect(answerAccess(model, asks('reporting', 'create', 'pods')).unread).toEqual([
      { kind: 'RoleBinding', namespace: 'shop', reason: 'forbidden' },
      { kind: 'Role', namespace: 'shop', reason: 'forbidden' },
    ]);
  });

  it('RoleBindings and Roles of another namespace do not make an answer in shop unknown', () => {
    const model = modelWith({ RoleBinding: { onlyIn: 'shop' }, Role: { onlyIn: 'shop' } });
    expect(answerAccess(model, asks('reporting', 'create', 'pods'))).toMatchObject({ answer: 'no', unread: [] });
    expect(answerAccess(model, asks('reporting', 'get', 'secrets'))).toMatchObject({ answer: 'yes' });
    // The same question about another namespace depends on that namespace's RoleBindings.
    expect(answerAccess(model, asks('reporting', 'create', 'pods', 'billing')).unread).toEqual([
      { kind: 'RoleBinding', namespace: 'billing', reason: 'forbidden' },
      { kind: 'Role', namespace: 'billing', reason: 'forbidden' },
    ]);
    // Cluster-wide (can-i -A) and non-resource requests: RoleBindings never grant them.
    expect(answerAccess(model, { ...asks('reporting', 'list', 'nodes'), namespace: '' })).toMatchObject({ answer: 'no' });
    expect(answerAccess(model, { ...serviceAccountIdentity('shop', 'reporting'), verb: 'get', nonResourceURL: '/metrics' })).toMatchObject({
      answer: 'no',
    });
  });

  it('unread ClusterRoles matter only through a binding in reach that names one', () => {
    const model = modelWith({ ClusterRole: 'forbidden' });
    // ci-deployer's ClusterRoleBinding names cluster-admin, which was not read.
    expect(answerAccess(model, asks('ci-deployer', 'create', 'pods'))).toMatchObject({
      answer: 'unknown',
      unread: [{ kind: 'ClusterRole', reason: 'forbidden' }],
    });
    // Every binding naming reporting (or its groups) was read and names a Role that was read too.
    expect(answerAccess(model, asks('reporting', 'create', 'pods'))).toMatchObject({ answer: 'no', unread: [] });
  });
});

describe('who-can where RBAC lists were not read', () => {
  const request = { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'shop' };
  const names = (result: ReturnType<typeof whoCan>) => result.subjects.map((entry) => `${entry.subject.kind}/${entry.subject.name}`);

  it('lists whom it can prove and says it is incomplete, and why', () => {
    const result = whoCan(modelWith({ ClusterRoleBinding: 'forbidden' }), request);
    expect(result.complete).toBe(false);
    expect(result.unread).toEqual([{ kind: 'ClusterRoleBinding', reason: 'forbidden' }]);
    expect(names(result)).toContain('ServiceAccount/reporting');
    expect(names(result)).not.toContain('ServiceAccount/ci-deployer');
  });

  it('is complete when only what cannot grant in the namespace was not read', () => {
    const model = modelWith({ RoleBinding: { onlyIn: 'shop' }, Role: { onlyIn: 'shop' } });
    const inShop = whoCan(model, request);
    expect(inShop).toMatchObject({ complete: true, unread: [] });
    expect(names(inShop)).toEqual(expect.arrayContaining(['ServiceAccount/ci-deployer', 'ServiceAccount/reporting']));
    // -A asks about every namespace: there the RoleBindings elsewhere could allow more.
    expect(whoCan(model, request, { anyNamespace: true }).unread).toEqual([
      { kind: 'RoleBinding', reason: 'forbidden' },
      { kind: 'Role', reason: 'forbidden' },
    ]);
    // A cluster-scoped resource: no RoleBinding grants it, in any namespace.
    expect(whoCan(model, { verb: 'list', apiGroup: '', resource: 'nodes' }, { anyNamespace: true, clusterScoped: true }).complete).toBe(
      true,
    );
  });
});

describe("a ServiceAccount's rules everywhere (permissions)", () => {
  it('depend on the RoleBindings of every namespace', () => {
    const identity = serviceAccountIdentity('shop', 'reporting');
    expect(unreadRbac(modelWith({}), 'every-namespace', identity)).toEqual([]);
    expect(unreadRbac(modelWith({ RoleBinding: { onlyIn: 'shop' } }), 'every-namespace', identity)).toEqual([
      { kind: 'RoleBinding', reason: 'forbidden' },
    ]);
  });
});
