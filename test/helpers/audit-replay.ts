/**
 * A scripted day in the life of a few ServiceAccounts, played against a real kube-apiserver so that its
 * audit log records it: requests made with each ServiceAccount's own token (a pod-bound TokenRequest
 * token, a plain one, a legacy token Secret's), allowed and denied ones, a watch, a create, an
 * impersonation. Used by the live usage tests and by the script that recorded test/fixtures/audit/.
 *
 * Only erasable TypeScript (Node runs this file as it is).
 */
import { request as httpsRequest } from 'node:https';

export interface ReplayCluster {
  readonly server: string;
  readonly caPem: string;
  /** Runs kubectl as the cluster admin; resolves with stdout. */
  readonly kubectl: (args: readonly string[], input?: string) => Promise<string>;
}

/** The objects the replay needs in namespace `ns`, as one manifest (also the inventory of the offline tests). */
export function replayManifests(ns: string): string {
  const sa = (name: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n`;
  return [
    sa('cart'),
    sa('legacy'),
    sa('deployer'),
    sa('impersonator'),
    sa('idle'),
    `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: cart
  namespace: ${ns}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list]
- apiGroups: [""]
  resources: [secrets]
  resourceNames: [cart-tls]
  verbs: [get]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [delete]
`,
    binding('cart', 'Role', 'cart', ns),
    `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: legacy
  namespace: ${ns}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [list]
`,
    binding('legacy', 'Role', 'legacy', ns),
    `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: deployer
  namespace: ${ns}
rules:
- apiGroups: [apps]
  resources: [deployments]
  verbs: [create, get]
`,
    binding('deployer', 'Role', 'deployer', ns),
    `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: impersonator
  namespace: ${ns}
rules:
- apiGroups: [""]
  resources: [serviceaccounts]
  verbs: [impersonate]
`,
    binding('impersonator', 'Role', 'impersonator', ns),
    binding('idle', 'ClusterRole', 'edit', ns),
    `apiVersion: v1
kind: Secret
metadata:
  name: legacy-token
  namespace: ${ns}
  annotations:
    kubernetes.io/service-account.name: legacy
type: kubernetes.io/service-account-token
`,
    `apiVersion: v1
kind: Pod
metadata:
  name: cart-0
  namespace: ${ns}
spec:
  serviceAccountName: cart
  nodeName: node-a
  containers:
  - name: cart
    image: registry.k8s.io/pause:3.10
`,
  ].join('---\n');
}

function binding(name: string, roleKind: 'Role' | 'ClusterRole', role: string, ns: string): string {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${name}
  namespace: ${ns}
subjects:
- kind: ServiceAccount
  name: ${name}
  namespace: ${ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ${roleKind}
  name: ${role}
`;
}

/** One request of the script, and the status the API server must answer. */
export interface ReplayedRequest {
  readonly serviceAccount: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly expect: number;
}

/** The requests, in order; `tokens` names whose token each uses. */
export function replayScript(ns: string): ReplayedRequest[] {
  const core = `/api/v1/namespaces/${ns}`;
  return [
    { serviceAccount: 'cart', method: 'GET', path: `${core}/pods`, expect: 200 },
    { serviceAccount: 'cart', method: 'GET', path: `${core}/pods/cart-0`, expect: 200 },
    { serviceAccount: 'cart', method: 'GET', path: `${core}/pods?watch=true&timeoutSeconds=1`, expect: 200 },
    { serviceAccount: 'cart', method: 'GET', path: `${core}/configmaps/kube-root-ca.crt`, expect: 200 },
    { serviceAccount: 'cart', method: 'GET', path: `${core}/configmaps/kube-root-ca.crt`, expect: 200 },
    { serviceAccount: 'cart', method: 'GET', path: `${core}/secrets/cart-tls`, expect: 404 },
    { serviceAccount: 'cart', method: 'GET', path: `${core}/secrets`, expect: 403 },
    {
      serviceAccount: 'cart',
      method: 'POST',
      path: `${core}/configmaps`,
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
      expect: 403,
    },
    { serviceAccount: 'cart', method: 'GET', path: '/version', expect: 200 },
    { serviceAccount: 'cart', method: 'GET', path: '/apis', expect: 200 },
    {
      serviceAccount: 'cart',
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: 'list', resource: 'pods', namespace: ns } },
      },
      expect: 201,
    },
    { serviceAccount: 'default', method: 'GET', path: `${core}/pods`, expect: 403 },
    { serviceAccount: 'default', method: 'GET', path: '/version', expect: 200 },
    { serviceAccount: 'legacy', method: 'GET', path: `${core}/configmaps`, expect: 200 },
    { serviceAccount: 'legacy', method: 'GET', path: `${core}/secrets`, expect: 403 },
    {
      serviceAccount: 'deployer',
      method: 'POST',
      path: `/apis/apps/v1/namespaces/${ns}/deployments`,
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }] } },
        },
      },
      expect: 201,
    },
    { serviceAccount: 'deployer', method: 'GET', path: `/apis/apps/v1/namespaces/${ns}/deployments/web`, expect: 200 },
    {
      serviceAccount: 'deployer',
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${ns}/deployments/web`,
      body: { spec: { replicas: 2 } },
      headers: { 'content-type': 'application/merge-patch+json' },
      expect: 403,
    },
    {
      serviceAccount: 'impersonator',
      method: 'GET',
      path: `${core}/pods`,
      headers: { 'Impersonate-User': `system:serviceaccount:${ns}:cart` },
      expect: 200,
    },
  ];
}

/** Creates the objects, waits for what controllers fill in, and returns each ServiceAccount's token. */
export async function setUpReplay(cluster: ReplayCluster, ns: string): Promise<Record<string, string>> {
  await cluster.kubectl(['apply', '-f', '-'], replayManifests(ns));
  const tokens: Record<string, string> = {};
  // A token bound to the pod: the API server records the pod (and its node) in the user's extra fields.
  tokens.cart = (
    await cluster.kubectl(['-n', ns, 'create', 'token', 'cart', '--bound-object-kind', 'Pod', '--bound-object-name', 'cart-0'])
  ).trim();
  for (const name of ['default', 'deployer', 'impersonator'])
    tokens[name] = (await cluster.kubectl(['-n', ns, 'create', 'token', name])).trim();
  // The token controller fills the legacy Secret.
  for (let attempt = 0; attempt < 100 && !tokens.legacy; attempt++) {
    const data = await cluster.kubectl(['-n', ns, 'get', 'secret', 'legacy-token', '-o', 'jsonpath={.data.token}']);
    if (data.trim() !== '') tokens.legacy = Buffer.from(data.trim(), 'base64').toString('utf8');
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!tokens.legacy) throw new Error('the token controller never filled Secret legacy-token');
  // RBAC is informer-fed: wait until every binding applies before the script relies on it.
  for (let attempt = 0; !(await allBindingsApply(cluster, tokens, ns)); attempt++) {
    if (attempt > 100) throw new Error('RBAC never allowed the replay ServiceAccounts what their bindings grant');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return tokens;
}

/** Self-reviews (which the baseline allows everyone, and which the script's own checks then skip). */
async function allBindingsApply(cluster: ReplayCluster, tokens: Record<string, string>, ns: string): Promise<boolean> {
  const review = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { verb: 'impersonate', resource: 'serviceaccounts', namespace: ns, name: 'cart' } },
  };
  const answers = await Promise.all(
    [
      ['impersonator', review],
      ['deployer', { ...review, spec: { resourceAttributes: { verb: 'create', group: 'apps', resource: 'deployments', namespace: ns } } }],
      ['legacy', { ...review, spec: { resourceAttributes: { verb: 'list', resource: 'configmaps', namespace: ns } } }],
      ['cart', { ...review, spec: { resourceAttributes: { verb: 'list', resource: 'pods', namespace: ns } } }],
    ].map(async ([who, body]) => {
      const response = await call(
        cluster,
        tokens[who as string] ?? '',
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        body,
        {},
      );
      return response.status === 201 && (JSON.parse(response.body) as { status?: { allowed?: boolean } }).status?.allowed === true;
    }),
  );
  return answers.every(Boolean);
}

/** Plays the script; throws when the API server answers a request otherwise than expected. */
export async function replay(cluster: ReplayCluster, ns: string, tokens: Record<string, string>, script = replayScript(ns)): Promise<void> {
  for (const step of script) {
    const status = await send(cluster, tokens[step.serviceAccount] ?? '', step);
    if (status !== step.expect)
      throw new Error(`${step.serviceAccount}: ${step.method} ${step.path} answered ${status}, expected ${step.expect}`);
  }
}

export async function send(cluster: ReplayCluster, token: string, step: ReplayedRequest): Promise<number> {
  return (await call(cluster, token, step.method, step.path, step.body, step.headers ?? {})).status;
}

function call(
  cluster: ReplayCluster,
  token: string,
  method: string,
  path: string,
  body: unknown,
  headers: Readonly<Record<string, string>>,
): Promise<{ status: number; body: string }> {
  const url = new URL(path, cluster.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: cluster.caPem,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          'user-agent': 'kubectl-sa-replay/1.0',
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
