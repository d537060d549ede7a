// Writes a realistic multi-document manifest file of about N objects (default 10,000): namespaces of
// microservices, each with ServiceAccounts, Deployments/StatefulSets/CronJobs with env, volumes and
// projected tokens, Services, ConfigMaps, Secrets (some legacy tokens), Roles and RoleBindings, plus
// cluster-wide ClusterRoles and ClusterRoleBindings. Deterministic: the same N gives the same file.
import { writeFileSync } from 'node:fs';
import { dump } from 'js-yaml';

function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function generateManifests(target = 10_000, seed = 42) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const documents = [];
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
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name, namespace },
          rules: [{ apiGroups: ['', 'apps', 'coordination.k8s.io'], resources: pick(resources), verbs: pick(verbs) }],
        });
        documents.push({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name, namespace },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
          subjects: [{ kind: 'ServiceAccount', name: saName, namespace }],
        });
      }
    }
    if (namespaceIndex % 10 === 0 && documents.length < target) {
      documents.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: `${namespace}-reader` },
        rules: [{ apiGroups: [''], resources: ['nodes', 'namespaces'], verbs: ['get', 'list'] }],
      });
      documents.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `${namespace}-reader` },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: random() < 0.2 ? 'cluster-admin' : `${namespace}-reader`,
        },
        subjects: [{ kind: 'ServiceAccount', name: 'svc-0', namespace }],
      });
    }
  }
  return documents
    .slice(0, target)
    .map((document) => dump(document, { lineWidth: -1, noRefs: true }))
    .join('---\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 10_000);
  const out = process.argv[3] ?? 'manifests.yaml';
  writeFileSync(out, generateManifests(count));
  process.stderr.write(`wrote ${count} objects to ${out}\n`);
}
