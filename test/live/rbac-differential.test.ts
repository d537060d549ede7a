import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInventory } from '../../src/inventory/inventory.js';
import { authorize, serviceAccountIdentity } from '../../src/rbac/authorize.js';
import { buildRbacModel } from '../../src/rbac/rbac-model.js';
import type { AccessRequest } from '../../src/rbac/types.js';
import { ApiClient } from '../../src/sources/cluster/api-client.js';
import { loadKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { readCluster } from '../../src/sources/cluster/read-cluster.js';
import { askApiServer } from '../../src/sources/cluster/subject-access-review.js';
import { apply, freshNamespace, kubectl, liveCluster } from './kube.js';

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed with KUBECTL_SA_DIFF_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.env.KUBECTL_SA_DIFF_SEED ?? Date.now() % 1_000_000);
const next = random(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
const some = <T>(items: readonly T[], max: number): T[] => [
  ...new Set(Array.from({ length: 1 + Math.floor(next() * max) }, () => pick(items))),
];

const ruleVerbs = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'impersonate',
  'bind',
  'escalate',
  '*',
  'GET',
];
const ruleGroups = ['', 'apps', 'batch', 'rbac.authorization.k8s.io', 'example.com', '*'];
const ruleResources = [
  'pods',
  'pods/log',
  'pods/exec',
  'pods/*',
  '*/status',
  '*/scale',
  'deployments',
  'deployments/scale',
  'secrets',
  'configmaps',
  'serviceaccounts/token',
  'roles',
  'clusterroles',
  'nodes',
  'namespaces',
  'widgets',
  '*',
  'Pods',
];
const ruleUrls = ['/metrics', '/healthz', '/healthz/*', '/api/*', '*', '/logs/*'];
const names = ['a', 'b'];

const requestVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'impersonate', 'bind', 'escalate'];
const requestTargets: readonly [string, string, string?][] = [
  ['', 'pods'],
  ['', 'pods', 'log'],
  ['', 'pods', 'exec'],
  ['', 'pods', 'status'],
  ['apps', 'deployments'],
  ['apps', 'deployments', 'scale'],
  ['apps', 'deployments', 'status'],
  ['', 'secrets'],
  ['', 'configmaps'],
  ['', 'serviceaccounts', 'token'],
  ['rbac.authorization.k8s.io', 'roles'],
  ['rbac.authorization.k8s.io', 'clusterroles'],
  ['', 'nodes'],
  ['', 'namespaces'],
  ['example.com', 'widgets'],
  ['batch', 'jobs'],
];
const requestUrls = ['/metrics', '/healthz', '/healthz/ping', '/api', '/api/v1', '/logs/kube', '/version', '/openapi/v2'];

function randomRule(allowUrls: boolean): Record<string, unknown> {
  if (allowUrls && next() < 0.2) return { verbs: some(['get', 'post', '*'], 2), nonResourceURLs: some(ruleUrls, 2) };
  return {
    verbs: some(ruleVerbs, 3),
    apiGroups: some(ruleGroups, 2),
    resources: some(ruleResources, 3),
    ...(next() < 0.25 ? { resourceNames: some(names, 2) } : {}),
  };
}

describe('the RBAC engine agrees with a real kube-apiserver (SubjectAccessReview) on random RBAC sets', () => {
  const run = randomBytes(3).toString('hex');
  const clusterScoped: string[] = [];
  let namespaces: string[] = [];

  beforeAll(async () => {
    namespaces = [await freshNamespace('diff-a'), await freshNamespace('diff-b')];
    const documents: string[] = [];
    const label = `kubectl-sa.dev/diff-${run}`;
    const clusterRoleNames: string[] = [];
    for (let index = 0; index < 7; index++) {
      const name = `diff-${run}-cr${index}`;
      clusterRoleNames.push(name);
      documents.push(
        JSON.stringify({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name, labels: { [label]: pick(['x', 'y', 'z']), ...(next() < 0.5 ? { [`${label}-extra`]: 'true' } : {}) } },
          rules: Array.from({ length: 1 + Math.floor(next() * 3) }, () => randomRule(true)),
        }),
      );
    }
    // Aggregated roles, resolved by the live controller manager, and by the engine on its own.
    const selectors = [
      { matchLabels: { [label]: 'x' } },
      { matchExpressions: [{ key: label, operator: 'In', values: ['y', 'z'] }] },
      { matchExpressions: [{ key: `${label}-extra`, operator: 'Exists' }] },
    ];
    for (let index = 0; index < 2; index++) {
      const name = `diff-${run}-agg${index}`;
      clusterRoleNames.push(name);
      documents.push(
        JSON.stringify({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name },
          aggregationRule: { clusterRoleSelectors: some(selectors, 2) },
        }),
      );
    }
    clusterScoped.push(...clusterRoleNames.map((name) => `clusterrole/${name}`));
    const accounts = namespaces.flatMap((namespace) => [0, 1, 2].map((index) => ({ namespace, name: `sa${index}` })));
    const subject = () =>
      pick([
        () => {
          const account = pick(accounts);
          return { kind: 'ServiceAccount', name: account.name, namespace: account.namespace };
        },
        () => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `system:serviceaccounts:${pick(namespaces)}` }),
        () => ({ kind: 'ServiceAccount', name: 'not-there', namespace: pick(namespaces) }),
      ])();
    for (const namespace of namespaces) {
      for (const account of accounts.filter((entry) => entry.namespace === namespace)) {
        documents.push(JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: account }));
      }
      for (let index = 0; index < 3; index++) {
        documents.push(
          JSON.stringify({
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'Role',
            metadata: { name: `role${index}`, namespace },
            rules: Array.from({ length: 1 + Math.floor(next() * 3) }, () => randomRule(false)),
          }),
        );
      }
      for (let index = 0; index < 5; index++) {
        const toClusterRole = next() < 0.5;
        documents.push(
          JSON.stringify({
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: `rb${index}`, namespace },
            subjects: Array.from({ length: 1 + Math.floor(next() * 2) }, subject),
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: toClusterRole ? 'ClusterRole' : 'Role',
              name: index === 4 ? 'missing-role' : toClusterRole ? pick(clusterRoleNames) : `role${Math.floor(next() * 3)}`,
            },
          }),
        );
      }
    }
    for (let index = 0; index < 3; index++) {
      const name = `diff-${run}-crb${index}`;
      clusterScoped.push(`clusterrolebinding/${name}`);
      documents.push(
        JSON.stringify({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name },
          subjects: Array.from({ length: 1 + Math.floor(next() * 2) }, subject),
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: pick(clusterRoleNames) },
        }),
      );
    }
    await apply(documents.map((document) => `---\n${document}`).join('\n'));
    // Let the controller manager aggregate and the API server's RBAC informers catch up.
    for (let attempt = 0; attempt < 50; attempt++) {
      const filled = await kubectl([
        'get',
        'clusterrole',
        `diff-${run}-agg0`,
        `diff-${run}-agg1`,
        '-o',
        'jsonpath={range .items[*]}{.rules}{"|"}{end}',
      ]);
      if (
        !filled
          .split('|')
          .slice(0, 2)
          .some((rules) => rules === '' || rules === '[]' || rules === 'null')
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
  });

  afterAll(async () => {
    if (clusterScoped.length > 0) await kubectl(['delete', '--ignore-not-found', ...clusterScoped]);
  });

  it(`answers thousands of random requests as the API server does (seed ${seed})`, async () => {
    const client = new ApiClient((await loadKubeConfig({ kubeconfig: liveCluster().kubeconfigPath })).config, { maxInFlight: 8 });
    const read = await readCluster(client, { namespace: undefined });
    const model = buildRbacModel(buildInventory(read.documents, { defaultNamespace: 'default', origin: 'cluster' }), {});

    const requests: AccessRequest[] = [];
    for (let index = 0; index < 2500; index++) {
      const namespace = pick(namespaces);
      const identity = serviceAccountIdentity(namespace, pick(['sa0', 'sa1', 'sa2', 'not-there']));
      if (next() < 0.12) {
        requests.push({ ...identity, verb: pick(['get', 'post', 'put']), nonResourceURL: pick(requestUrls) });
        continue;
      }
      const [apiGroup, resource, subresource] = pick(requestTargets);
      const verb = pick(requestVerbs);
      const name = next() < 0.4 ? pick(['a', 'b', 'c']) : undefined;
      const where = pick([...namespaces, '']);
      requests.push({
        ...identity,
        verb,
        apiGroup,
        resource,
        ...(subresource ? { subresource } : {}),
        ...(name ? { name } : {}),
        ...(where ? { namespace: where } : {}),
      });
    }

    const mismatches: unknown[] = [];
    let allowedCount = 0;
    await Promise.all(
      requests.map(async (request) => {
        const engine = authorize(model, request);
        let server = await askApiServer(client, request);
        if (server.allowed !== engine.allowed) {
          // Informer caches are eventually consistent: ask once more before calling it a disagreement.
          await new Promise((resolve) => setTimeout(resolve, 1000));
          server = await askApiServer(client, request);
        }
        if (server.allowed) allowedCount += 1;
        if (server.allowed !== engine.allowed) {
          mismatches.push({ request, engine: { allowed: engine.allowed, reason: engine.reason }, server });
        }
      }),
    );
    expect(mismatches.slice(0, 5), `seed ${seed}: ${mismatches.length} disagreements; replay with KUBECTL_SA_DIFF_SEED=${seed}`).toEqual(
      [],
    );
    // The generated sets must exercise both answers, or the comparison proves little.
    expect(allowedCount).toBeGreaterThan(20);
    expect(requests.length - allowedCount).toBeGreaterThan(20);
  }, 180_000);
});
