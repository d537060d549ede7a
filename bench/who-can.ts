// who-can over 10,000 bindings and 2,000 roles (plus Kubernetes' default RBAC), after loading.
//
//   npm run bench          (or: npx tsx bench/who-can.ts)
//
// tsx compiles the engine's sources with esbuild, as the build does for the bundle users run.

import { buildInventory } from '../src/inventory/inventory.js';
import { allRulesFor, authorize, serviceAccountIdentity } from '../src/rbac/authorize.js';
import { escalationPaths } from '../src/rbac/escalation.js';
import { buildRbacModel } from '../src/rbac/rbac-model.js';
import { compileRiskFacts, riskFactsOf } from '../src/rbac/risk-facts.js';
import { loadBuiltInRiskFacts } from '../src/app/load-policies.js';
import { serviceAccountRbac } from '../src/rbac/service-account-rbac.js';
import { whoCan } from '../src/rbac/who-can.js';
import { loadDefaultRbac } from '../src/sources/kube-data.js';

const riskFacts = compileRiskFacts(await loadBuiltInRiskFacts());
const roleCount = 2_000;
const bindingCount = 10_000;
const inventory = buildInventory(generateRbacDocuments(roleCount, bindingCount), { defaultNamespace: 'default', origin: 'files' });
const defaultRbac = loadDefaultRbac();

const time = <T>(run: () => T): [T, number] => {
  const started = performance.now();
  const result = run();
  return [result, performance.now() - started];
};

const [model, buildMs] = time(() => buildRbacModel(inventory, { defaultRbac, riskFacts }));
const queries = [
  { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'ns-7' },
  { verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'ns-3' },
  { verb: 'list', apiGroup: '', resource: 'nodes' },
  { verb: 'get', nonResourceURL: '/metrics' },
];
const whoCanTimes = queries.map((query) => time(() => whoCan(model, query)));
const worstWhoCan = Math.max(...whoCanTimes.map(([, ms]) => ms));
const subjects = whoCanTimes.reduce((sum, [result]) => sum + result.subjects.length, 0);
const repeats = 100;
const [, repeatedMs] = time(() => {
  for (let i = 0; i < repeats; i++) whoCan(model, queries[i % queries.length] ?? { verb: 'get', nonResourceURL: '/' });
});
const sa = serviceAccountIdentity('ns-7', 'sa-1');
const [, canIMs] = process.env.SKIP_CANI
  ? [0, 1]
  : time(() => {
      for (let i = 0; i < 1000; i++) authorize(model, { ...sa, verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'ns-7' });
    });
const [permissions, permissionsMs] = time(() => serviceAccountRbac(model, 'ns-7', 'sa-1'));
// The same again on a fresh model, in parts, to show where the time of an interactive `permissions` goes.
const fresh = buildRbacModel(inventory, { defaultRbac, riskFacts });
const [grants, grantsMs] = time(() => allRulesFor(fresh, sa));
const [facts, factsMs] = time(() => riskFactsOf(grants, riskFacts));
const [, escalationMs] = time(() => escalationPaths(fresh, { kind: 'ServiceAccount', namespace: 'ns-7', name: 'sa-1' }, facts));

console.log(`who-can over ${model.bindings.length} bindings and ${model.clusterRoles.size + model.roles.size} roles`);
console.log(
  `  (${bindingCount} bindings and ${roleCount} ClusterRoles generated, the rest default RBAC ${defaultRbac.kubernetesVersion}; ${model.serviceAccounts.length} ServiceAccounts)`,
);
console.log(`  build model (aggregation, indexes):   ${buildMs.toFixed(1)} ms`);
console.log(`  who-can, slowest of ${queries.length} first queries:  ${worstWhoCan.toFixed(1)} ms (${subjects} subjects found in all)`);
console.log(`  who-can, mean of ${repeats} repeated queries: ${(repeatedMs / repeats).toFixed(2)} ms`);
console.log(`  can-i (authorize), mean of 1000:      ${(canIMs / 1000).toFixed(3)} ms`);
console.log(
  `  permissions of one SA (facts, escalation paths over all SAs): ${permissionsMs.toFixed(1)} ms (${permissions.grants.length} grants, ${permissions.escalations.length} paths)`,
);
console.log(
  `    of which: grants ${grantsMs.toFixed(1)} ms, risk facts ${factsMs.toFixed(1)} ms, escalation paths ${escalationMs.toFixed(1)} ms`,
);

/** A synthetic RBAC set of a given size, deterministic so figures compare between runs. */

function generateRbacDocuments(roleCount: number, bindingCount: number, namespaceCount = 50): { value: unknown }[] {
  const resources = ['pods', 'secrets', 'configmaps', 'services', 'deployments', 'jobs', 'nodes', 'widgets', 'leases', 'events'];
  const groups = ['', 'apps', 'batch', 'example.com', 'coordination.k8s.io'];
  const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pick = <T>(items: readonly T[]): T => items[next(items.length)] as T;
  const rbac = 'rbac.authorization.k8s.io/v1';
  const documents: { value: unknown }[] = [];
  for (let i = 0; i < roleCount; i++) {
    const rules = Array.from({ length: 6 }, () => ({
      apiGroups: [pick(groups)],
      resources: [pick(resources), pick(resources)],
      verbs: [pick(verbs), pick(verbs)],
    }));
    const labels = { [`agg-${i % 20}`]: 'true' };
    // One role in a hundred aggregates twenty others, as operators' aggregate-to-* roles do.
    const aggregationRule = i % 100 === 0 ? { clusterRoleSelectors: [{ matchLabels: { [`agg-${(i / 100) % 20}`]: 'true' } }] } : undefined;
    documents.push({
      value: {
        apiVersion: rbac,
        kind: 'ClusterRole',
        metadata: { name: `role-${i}`, labels },
        rules,
        ...(aggregationRule ? { aggregationRule } : {}),
      },
    });
  }
  for (let i = 0; i < bindingCount; i++) {
    const namespace = `ns-${next(namespaceCount)}`;
    const subjects = [
      { kind: 'ServiceAccount', name: `sa-${next(200)}`, namespace },
      { kind: 'User', name: `user-${next(500)}` },
      { kind: 'Group', name: i % 10 === 0 ? 'system:serviceaccounts' : `group-${next(50)}` },
    ];
    const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `role-${next(roleCount)}` };
    const clusterWide = i % 5 === 0;
    documents.push({
      value: clusterWide
        ? { apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: { name: `crb-${i}` }, roleRef, subjects }
        : { apiVersion: rbac, kind: 'RoleBinding', metadata: { name: `rb-${i}`, namespace }, roleRef, subjects },
    });
  }
  return documents;
}
