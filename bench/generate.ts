// Deterministic manifest sets for the benchmarks, in three shapes:
//
//  - realistic: namespaces of a dozen microservices each (ServiceAccounts, Deployments/StatefulSets/CronJobs
//    with env, Secret references and projected tokens, Services, ConfigMaps, Secrets with a few legacy
//    tokens, Roles and RoleBindings, some ClusterRoleBindings, a few to cluster-admin), sized in objects;
//  - dense: namespaces of 100 ServiceAccounts where every ServiceAccount of the namespace may create pods
//    there (a RoleBinding to the group system:serviceaccounts:NS, as CI and tenant namespaces do), five CI
//    runners that may create pods cluster-wide, a few SAs holding secrets-read, token-create, impersonate
//    or cluster-admin — the shape where "who can become whom" is quadratic if computed per ServiceAccount;
//    sized in ServiceAccounts (10,000 ServiceAccounts ≈ 11,700 objects);
//  - live: the dense shape with the proportions of issue 10's live data set (10,000 SAs, 2,000 Roles and
//    RoleBindings, 200 ClusterRoles and ClusterRoleBindings, 1,000 Deployments), for bench/live.ts.
//
//   node bench/generate.ts dense 10000 out.yaml
import { writeFileSync } from 'node:fs';
import { dump } from 'js-yaml';

export type Shape = 'realistic' | 'dense' | 'live';
type Doc = Record<string, unknown>;

const rbacV1 = 'rbac.authorization.k8s.io/v1';
const rbacGroup = 'rbac.authorization.k8s.io';

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The objects of a shape; `size` is objects for `realistic`, ServiceAccounts for `dense` and `live`. */
export function generateObjects(shape: Shape, size: number, seed = 42): Doc[] {
  if (shape === 'realistic') return realistic(size, seed);
  return dense(size, seed, shape === 'live' ? liveProportions : denseProportions);
}

/** The same objects as one multi-document YAML text. */
export function generateManifests(shape: Shape, size: number, seed = 42): string {
  return generateObjects(shape, size, seed)
    .map((document) => dump(document, { lineWidth: -1, noRefs: true }))
    .join('---\n');
}

function realistic(target: number, seed: number): Doc[] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const documents: Doc[] = [];
  const verbs = [['get', 'list', 'watch'], ['get'], ['create', 'update', 'patch', 'delete'], ['*']];
  const resources = [['configmaps'], ['secrets'], ['pods'], ['deployments'], ['services', 'endpoints'], ['leases']];
  let namespaceIndex = 0;
  while (documents.length < target) {
    const namespace = `team-${namespaceIndex++}`;
    documents.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
    });
    if (random() < 0.5)
      documents.push({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace },
        automountServiceAccountToken: false,
      });
    for (let app = 0; app < 12 && documents.length < target; app++) {
      const name = `svc-${app}`;
      const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': namespace, team: `t${app % 5}` };
      const ownSa = random() < 0.8;
      const saName = ownSa ? name : random() < 0.5 ? 'default' : 'shared';
      if (ownSa || saName === 'shared') {
        documents.push({
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: {
            name: saName,
            namespace,
            labels,
            ...(random() < 0.1
              ? { annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::123456789012:role/${namespace}-${name}` } }
              : {}),
          },
          ...(random() < 0.4 ? { automountServiceAccountToken: false } : {}),
        });
      }
      const kind = pick(['Deployment', 'Deployment', 'Deployment', 'StatefulSet', 'CronJob']);
      const podSpec = {
        serviceAccountName: saName,
        ...(random() < 0.3 ? { automountServiceAccountToken: random() < 0.5 } : {}),
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name,
            image: `registry.example.com/${namespace}/${name}:1.${app}.${Math.floor(random() * 50)}`,
            ports: [{ name: 'http', containerPort: 8080 }],
            env: [
              { name: 'LOG_LEVEL', value: pick(['info', 'debug', 'warn']) },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: `${name}-db`, key: 'password' } } },
              ...(random() < 0.05
                ? [{ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: `${name}-aws`, key: 'secret' } } }]
                : []),
            ],
            envFrom: [{ configMapRef: { name: `${name}-config` } }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            volumeMounts: [
              { name: 'config', mountPath: '/etc/app' },
              { name: 'token', mountPath: '/var/run/secrets/tokens' },
            ],
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: `${name}-config` } },
          {
            name: 'token',
            projected: {
              sources: [{ serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: pick([600, 3600, 7200, 86400]) } }],
            },
          },
          ...(random() < 0.05 ? [{ name: 'legacy', secret: { secretName: `${saName}-token` } }] : []),
        ],
      };
      const template = { metadata: { labels }, spec: podSpec };
      const spec =
        kind === 'CronJob'
          ? {
              schedule: '*/15 * * * *',
              jobTemplate: { spec: { template: { ...template, spec: { ...podSpec, restartPolicy: 'OnFailure' } } } },
            }
          : { replicas: 2, selector: { matchLabels: labels }, template, ...(kind === 'StatefulSet' ? { serviceName: name } : {}) };
      documents.push({ apiVersion: kind === 'CronJob' ? 'batch/v1' : 'apps/v1', kind, metadata: { name, namespace, labels }, spec });
      documents.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace, labels },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      });
      documents.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${name}-config`, namespace, labels },
        data: { 'app.yaml': `name: ${name}\nreplicas: 2\n` },
      });
      documents.push({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: { name: `${name}-db`, namespace, labels },
        data: { password: 'c2VjcmV0' },
      });
      if (random() < 0.05) {
        documents.push({
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'kubernetes.io/service-account-token',
          metadata: {
            name: `${saName}-token`,
            namespace,
            annotations: { 'kubernetes.io/service-account.name': saName, 'kubernetes.io/legacy-token-last-used': '2025-01-15' },
          },
        });
      }
      if (random() < 0.6) {
        documents.push({
          apiVersion: rbacV1,
          kind: 'Role',
          metadata: { name, namespace },
          rules: [{ apiGroups: ['', 'apps', 'coordination.k8s.io'], resources: pick(resources), verbs: pick(verbs) }],
        });
        documents.push({
          apiVersion: rbacV1,
          kind: 'RoleBinding',
          metadata: { name, namespace },
          roleRef: { apiGroup: rbacGroup, kind: 'Role', name },
          subjects: [{ kind: 'ServiceAccount', name: saName, namespace }],
        });
      }
    }
    if (namespaceIndex % 10 === 0 && documents.length < target) {
      documents.push({
        apiVersion: rbacV1,
        kind: 'ClusterRole',
        metadata: { name: `${namespace}-reader` },
        rules: [{ apiGroups: [''], resources: ['nodes', 'namespaces'], verbs: ['get', 'list'] }],
      });
      documents.push({
        apiVersion: rbacV1,
        kind: 'ClusterRoleBinding',
        metadata: { name: `${namespace}-reader` },
        roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: random() < 0.2 ? 'cluster-admin' : `${namespace}-reader` },
        subjects: [{ kind: 'ServiceAccount', name: 'svc-0', namespace }],
      });
    }
  }
  return documents.slice(0, target);
}

interface Proportions {
  /** Extra Roles (each with a RoleBinding) per namespace, beyond the pod-runner and secret-reader ones. */
  readonly extraRolesPerNamespace: number;
  readonly deploymentsPerNamespace: number;
  /** ClusterRoles, each with a ClusterRoleBinding, beyond the CI and admin ones. */
  readonly clusterRoles: number;
  readonly replicas: number;
}
const denseProportions: Proportions = { extraRolesPerNamespace: 0, deploymentsPerNamespace: 10, clusterRoles: 0, replicas: 2 };
// 10,000 SAs: 100 namespaces × (18 + 2 Roles and RoleBindings) = 2,000; 198 + 2 ClusterRoles and bindings; 1,000 Deployments.
const liveProportions: Proportions = { extraRolesPerNamespace: 18, deploymentsPerNamespace: 10, clusterRoles: 198, replicas: 0 };

const serviceAccountsPerNamespace = 100;

function dense(serviceAccounts: number, seed: number, proportions: Proportions): Doc[] {
  const random = prng(seed);
  const documents: Doc[] = [];
  const namespaces = Math.max(1, Math.ceil(serviceAccounts / serviceAccountsPerNamespace));
  const binding = (
    kind: 'RoleBinding' | 'ClusterRoleBinding',
    name: string,
    namespace: string | undefined,
    roleRef: Doc,
    subjects: Doc[],
  ) => documents.push({ apiVersion: rbacV1, kind, metadata: namespace ? { name, namespace } : { name }, roleRef, subjects });
  const role = (name: string, namespace: string, rules: Doc[]) =>
    documents.push({ apiVersion: rbacV1, kind: 'Role', metadata: { name, namespace }, rules });
  const clusterRole = (name: string, rules: Doc[]) =>
    documents.push({ apiVersion: rbacV1, kind: 'ClusterRole', metadata: { name }, rules });
  const roleRef = (kind: 'Role' | 'ClusterRole', name: string) => ({ apiGroup: rbacGroup, kind, name });
  const sa = (name: string, namespace: string) => ({ kind: 'ServiceAccount', name, namespace });

  // Cluster-wide identities: CI runners that create pods anywhere, an admin bot, a token minter.
  documents.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ci' } });
  for (let i = 0; i < 5; i++)
    documents.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `runner-${i}`, namespace: 'ci' } });
  clusterRole('ci-pod-creator', [
    { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
    { apiGroups: ['apps', 'batch'], resources: ['deployments', 'jobs'], verbs: ['create', 'update', 'patch'] },
  ]);
  binding(
    'ClusterRoleBinding',
    'ci-pod-creator',
    undefined,
    roleRef('ClusterRole', 'ci-pod-creator'),
    Array.from({ length: 5 }, (_, i) => sa(`runner-${i}`, 'ci')),
  );
  documents.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'admin-bot', namespace: 'ci' } });
  binding('ClusterRoleBinding', 'admin-bot', undefined, roleRef('ClusterRole', 'cluster-admin'), [sa('admin-bot', 'ci')]);
  clusterRole('token-minter', [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }]);

  for (let n = 0; n < namespaces; n++) {
    const namespace = `tenant-${n}`;
    documents.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const count = Math.min(serviceAccountsPerNamespace, serviceAccounts - n * serviceAccountsPerNamespace);
    for (let i = 0; i < count; i++) {
      documents.push({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: `sa-${i}`, namespace, labels: { tenant: namespace } },
        ...(random() < 0.3 ? { automountServiceAccountToken: false } : {}),
      });
    }
    // Every ServiceAccount of the namespace may run pods there: the dense part.
    role('pod-runner', namespace, [
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'get', 'list'] },
    ]);
    binding('RoleBinding', 'pod-runner', namespace, roleRef('Role', 'pod-runner'), [
      { kind: 'Group', apiGroup: rbacGroup, name: `system:serviceaccounts:${namespace}` },
    ]);
    // One SA of the namespace reads its Secrets: what every pod-creator there can reach.
    role('secret-reader', namespace, [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]);
    binding('RoleBinding', 'secret-reader', namespace, roleRef('Role', 'secret-reader'), [sa('sa-1', namespace)]);
    // Every tenth namespace: an SA that mints tokens for the namespace's SAs, one that impersonates ci SAs.
    if (n % 10 === 0) binding('RoleBinding', 'token-minter', namespace, roleRef('ClusterRole', 'token-minter'), [sa('sa-2', namespace)]);
    for (let r = 0; r < proportions.extraRolesPerNamespace; r++) {
      const name = `app-${r}`;
      role(name, namespace, [
        {
          apiGroups: ['', 'apps'],
          resources: [['configmaps'], ['services'], ['deployments'], ['leases']][r % 4],
          verbs: ['get', 'list', 'watch'],
        },
      ]);
      binding('RoleBinding', name, namespace, roleRef('Role', name), [sa(`sa-${(r * 7) % count}`, namespace)]);
    }
    for (let d = 0; d < proportions.deploymentsPerNamespace; d++) {
      const name = `app-${d}`;
      const labels = { app: name };
      documents.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels },
        spec: {
          replicas: proportions.replicas,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: `sa-${d % count}`,
              containers: [{ name, image: `registry.example.com/${namespace}/${name}:1.0.${d}`, ports: [{ containerPort: 8080 }] }],
            },
          },
        },
      });
    }
  }
  clusterRole('impersonate-ci', [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'], resourceNames: ['runner-0'] }]);
  binding('RoleBinding', 'impersonate-ci', 'ci', roleRef('ClusterRole', 'impersonate-ci'), [sa('sa-3', 'tenant-0')]);
  for (let c = 0; c < proportions.clusterRoles; c++) {
    const name = `platform-${c}`;
    clusterRole(name, [{ apiGroups: [''], resources: [['nodes'], ['namespaces'], ['persistentvolumes']][c % 3], verbs: ['get', 'list'] }]);
    binding('ClusterRoleBinding', name, undefined, roleRef('ClusterRole', name), [sa(`sa-${c % 100}`, `tenant-${c % namespaces}`)]);
  }
  return documents;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const shape = (process.argv[2] ?? 'realistic') as Shape;
  if (!['realistic', 'dense', 'live'].includes(shape)) throw new Error(`unknown shape ${shape}: realistic, dense or live`);
  const size = Number(process.argv[3] ?? 10_000);
  const out = process.argv[4] ?? 'manifests.yaml';
  const text = generateManifests(shape, size);
  writeFileSync(out, text);
  process.stderr.write(`wrote ${shape} ${size} (${(text.length / 1024 / 1024).toFixed(1)} MiB) to ${out}\n`);
}
