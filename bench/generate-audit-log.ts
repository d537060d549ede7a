// Writes a large, realistic Kubernetes audit log (JSON lines of audit.k8s.io/v1 Events, as kube-apiserver's
// log backend writes them) for the usage benchmark. Deterministic for a given size.
//
// Mix, after what real clusters log: most traffic is controllers and operators running as ServiceAccounts
// (leases renewed, configmaps/secrets/pods got, listed and watched, events created), then kubelets
// (system:node:*), then people and CI. Most requests are logged in two stages (RequestReceived and
// ResponseComplete), watches in three; one in twenty at RequestResponse level with its bodies; a few
// denied, a few with legacy tokens, pod-bound tokens with pod and node in the user's extra.
//
// Identities are as stable as in a cluster: a pod keeps its node, its address and its token's id (the kubelet
// refreshes a projected token after ~48 minutes, longer than the log's window), a kubelet its node's address;
// now and then a pod is replaced (a new name, address, node and token). `harsh` instead gives every request a
// fresh token id, node and address (the log of earlier rounds, kept for comparison).
//
// Standalone: `npx tsx bench/generate-audit-log.ts 1024 out.log` (size in MiB).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A small deterministic PRNG (mulberry32), so every run writes the same log. */
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

const namespaces = Array.from({ length: 200 }, (_, index) => `team-${index}`);
const serviceAccounts = namespaces.flatMap((namespace, index) =>
  Array.from({ length: 10 }, (_, n) => ({
    namespace,
    name: n === 0 ? 'default' : `svc-${index}-${n}`,
    legacy: n === 3 && index % 7 === 0,
  })),
);
const nodes = Array.from({ length: 100 }, (_, index) => `node-${index}`);
const nodeAddress = (index: number) => `10.250.${Math.floor(index / 250)}.${(index % 250) + 1}`;

/** A running pod of a ServiceAccount: what the API server sees of it in every request it makes. */
interface Pod {
  readonly name: string;
  readonly node: string;
  readonly address: string;
  readonly tokenId: string;
}
const people = ['alice@example.com', 'bob@example.com', 'ci-bot'];
interface Shape {
  readonly weight: number;
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly named?: boolean;
  readonly subresource?: string;
  readonly url?: string;
  readonly cluster?: boolean;
}

const shapes: readonly Shape[] = [
  { weight: 30, verb: 'update', group: 'coordination.k8s.io', version: 'v1', resource: 'leases', named: true },
  { weight: 15, verb: 'get', group: 'coordination.k8s.io', version: 'v1', resource: 'leases', named: true },
  { weight: 12, verb: 'get', group: '', version: 'v1', resource: 'configmaps', named: true },
  { weight: 8, verb: 'list', group: '', version: 'v1', resource: 'pods', named: false },
  { weight: 6, verb: 'watch', group: '', version: 'v1', resource: 'pods', named: false },
  { weight: 6, verb: 'create', group: '', version: 'v1', resource: 'events', named: false },
  { weight: 5, verb: 'get', group: '', version: 'v1', resource: 'secrets', named: true },
  { weight: 4, verb: 'patch', group: 'apps', version: 'v1', resource: 'deployments', named: true },
  { weight: 4, verb: 'get', group: '', version: 'v1', resource: 'pods', named: true, subresource: 'status' },
  { weight: 3, verb: 'list', group: '', version: 'v1', resource: 'secrets', named: false },
  { weight: 3, verb: 'get', group: '', version: '', resource: '', url: '/api' },
  { weight: 2, verb: 'get', group: '', version: '', resource: '', url: '/apis/apps/v1' },
  {
    weight: 2,
    verb: 'create',
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectaccessreviews',
    named: false,
    cluster: true,
  },
];
const totalWeight = shapes.reduce((sum, shape) => sum + shape.weight, 0);

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function shapeOf(rand: () => number): Shape {
  let roll = rand() * totalWeight;
  for (const shape of shapes) {
    roll -= shape.weight;
    if (roll < 0) return shape;
  }
  return shapes[0] as Shape;
}

function uuid(rand: () => number): string {
  const hex = () =>
    Math.floor(rand() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  const a = hex();
  const b = hex();
  const c = hex();
  const d = hex();
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

function micro(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(Math.floor((ms % 1000) * 1000)).padStart(6, '0')}Z`;
}

const podBody = (namespace: string, name: string) => ({
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: {
    name,
    namespace,
    uid: 'f1e2d3c4-0000-4000-8000-000000000000',
    resourceVersion: '123456',
    labels: { app: name, 'pod-template-hash': '5d8f7c9b6' },
  },
  spec: {
    containers: [{ name: 'app', image: 'registry.example.com/app:1.2.3', resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
    serviceAccountName: 'svc',
    nodeName: 'node-1',
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T00:00:00Z' }],
    podIP: '10.1.2.3',
  },
});

function address(rand: () => number): string {
  return `10.${Math.floor(rand() * 4)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`;
}

/** The pods running now, by ServiceAccount and replica (three each), replaced now and then. */
class Pods {
  private readonly running = new Map<string, Pod>();
  private generation = 0;

  constructor(private readonly rand: () => number) {}

  of(sa: { readonly namespace: string; readonly name: string }, replica: number): Pod {
    const key = `${sa.namespace}/${sa.name}/${replica}`;
    const running = this.running.get(key);
    // About one request in 5,000 finds its pod replaced (rolled out, rescheduled): a few hundred per GiB.
    if (running && this.rand() >= 0.0002) return running;
    const pod: Pod = {
      name: `${sa.name}-${(this.generation++).toString(36)}-${replica}`,
      node: pick(this.rand, nodes),
      address: address(this.rand),
      tokenId: uuid(this.rand),
    };
    this.running.set(key, pod);
    return pod;
  }
}

/** One request: its events (1 to 3 stages) as JSON lines. */
function requestLines(rand: () => number, now: number, pods: Pods, harsh: boolean): string[] {
  const roll = rand();
  let user: { username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };
  let extra: Record<string, string[]> | undefined;
  let sa: (typeof serviceAccounts)[number] | undefined;
  let source: string | undefined;
  if (roll < 0.7) {
    sa = pick(rand, serviceAccounts);
    const replica = Math.floor(rand() * 3);
    user = {
      username: `system:serviceaccount:${sa.namespace}:${sa.name}`,
      uid: 'a1b2c3d4-0000-4000-8000-000000000000',
      groups: ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'],
    };
    // The harsh log draws the token id and node per request, in this order (its bytes stay those of earlier rounds).
    const pod: Pod | undefined = harsh
      ? sa.legacy
        ? undefined
        : { name: `${sa.name}-${replica}`, tokenId: uuid(rand), node: pick(rand, nodes), address: '' }
      : pods.of(sa, replica);
    if (!harsh) source = pod?.address;
    if (!sa.legacy && pod) {
      extra = {
        'authentication.kubernetes.io/credential-id': [`JTI=${pod.tokenId}`],
        'authentication.kubernetes.io/node-name': [pod.node],
        'authentication.kubernetes.io/node-uid': ['0c1d2e3f-0000-4000-8000-000000000000'],
        'authentication.kubernetes.io/pod-name': [pod.name],
        'authentication.kubernetes.io/pod-uid': ['9a8b7c6d-0000-4000-8000-000000000000'],
      };
    }
  } else if (roll < 0.92) {
    const node = Math.floor(rand() * nodes.length);
    user = { username: `system:node:${nodes[node] ?? ''}`, groups: ['system:nodes', 'system:authenticated'] };
    if (!harsh) source = nodeAddress(node);
  } else {
    const person = Math.floor(rand() * people.length);
    user = { username: people[person] ?? '', groups: ['developers', 'system:authenticated'] };
    if (!harsh) source = `192.168.7.${person + 10}`;
  }
  if (extra) user.extra = extra;
  const shape = shapeOf(rand);
  const namespace = sa?.namespace ?? pick(rand, namespaces);
  // Clients mostly touch a few objects of a kind (their lease, their config), now and then others.
  const name = shape.named ? `${shape.resource.slice(0, -1)}-${Math.floor(rand() ** 3 * 24)}` : undefined;
  const denied = rand() < 0.02;
  const code = denied ? 403 : shape.verb === 'create' ? 201 : rand() < 0.03 ? 404 : 200;
  const objectRef = shape.url
    ? undefined
    : {
        resource: shape.resource,
        ...(shape.cluster ? {} : { namespace }),
        ...(name ? { name } : {}),
        ...(shape.group ? { apiGroup: shape.group } : {}),
        apiVersion: shape.version,
        ...(shape.subresource ? { subresource: shape.subresource } : {}),
      };
  const base = shape.url
    ? shape.url
    : `/${shape.group ? `apis/${shape.group}` : 'api'}/${shape.version}${shape.cluster ? '' : `/namespaces/${namespace}`}/${shape.resource}${name ? `/${name}` : ''}${shape.subresource ? `/${shape.subresource}` : ''}`;
  const requestURI =
    shape.verb === 'watch'
      ? `${base}?allowWatchBookmarks=true&resourceVersion=123456&timeout=7m41s&timeoutSeconds=461&watch=true`
      : shape.verb === 'list'
        ? `${base}?limit=500`
        : base;
  const requestResponse = !denied && namespace.endsWith('7') && rand() < 0.25;
  const annotations = {
    'authorization.k8s.io/decision': denied ? 'forbid' : 'allow',
    'authorization.k8s.io/reason': denied
      ? ''
      : `RBAC: allowed by RoleBinding "${sa ? sa.name : 'x'}/${namespace}" of Role "${sa ? sa.name : 'x'}" to ServiceAccount "${sa ? sa.name : 'x'}/${namespace}"`,
    ...(sa?.legacy
      ? { 'authentication.k8s.io/legacy-token': user.username, 'authentication.k8s.io/legacy-token-manual-secret': `${sa.name}-token` }
      : {}),
  };
  const auditID = uuid(rand);
  const received = micro(now);
  const event = (stage: string, stageMs: number, withStatus: boolean) => ({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: requestResponse ? 'RequestResponse' : 'Metadata',
    auditID,
    stage,
    requestURI,
    verb: shape.verb,
    user,
    sourceIPs: [source ?? address(rand)],
    userAgent: sa
      ? `${sa.name}/v1.4.2 (linux/amd64) kubernetes/abcdef0`
      : roll < 0.92
        ? 'kubelet/v1.36.3 (linux/amd64) kubernetes/7f3e2a1'
        : 'kubectl/v1.36.0 (darwin/arm64) kubernetes/1a2b3c4',
    ...(objectRef ? { objectRef } : {}),
    ...(withStatus
      ? {
          responseStatus: denied
            ? {
                metadata: {},
                status: 'Failure',
                message: `${shape.resource} is forbidden: User "${user.username}" cannot ${shape.verb} resource "${shape.resource}"`,
                reason: 'Forbidden',
                details: { kind: shape.resource },
                code,
              }
            : { metadata: {}, code },
        }
      : {}),
    ...(withStatus && requestResponse && shape.resource === 'pods' ? { responseObject: podBody(namespace, name ?? 'pod-0') } : {}),
    requestReceivedTimestamp: received,
    stageTimestamp: micro(stageMs),
    ...(withStatus ? { annotations } : {}),
  });
  const lines: string[] = [];
  if (rand() < 0.5) lines.push(JSON.stringify(event('RequestReceived', now, false)));
  if (shape.verb === 'watch') lines.push(JSON.stringify(event('ResponseStarted', now + 2, true)));
  lines.push(JSON.stringify(event('ResponseComplete', now + (shape.verb === 'watch' ? 461_000 : 3 + rand() * 20), true)));
  return lines;
}

/**
 * Writes about `mebibytes` MiB of audit log to `file`; resolves with the number of events written. `harsh`:
 * every request with a fresh token id, node and address (see the top of this file).
 */
export async function generateAuditLog(mebibytes: number, file: string, harsh = false): Promise<{ events: number; bytes: number }> {
  const rand = random(20240501);
  const pods = new Pods(rand);
  const out = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
  const limit = mebibytes * 1024 * 1024;
  let bytes = 0;
  let events = 0;
  let now = Date.parse('2024-05-01T00:00:00Z');
  let chunk: string[] = [];
  while (bytes < limit) {
    now += 0.7 + rand();
    for (const line of requestLines(rand, now, pods, harsh)) {
      chunk.push(line);
      bytes += line.length + 1;
      events++;
    }
    if (chunk.length >= 2000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return { events, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [size = '64', file = 'audit.log'] = process.argv.slice(2);
  const { events, bytes } = await generateAuditLog(Number(size), file, process.env.BENCH_AUDIT_HARSH === '1');
  console.log(`${file}: ${events} events, ${(bytes / 1024 / 1024).toFixed(0)} MiB`);
}
