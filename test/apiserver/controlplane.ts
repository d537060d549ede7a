// A throw-away Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager)
// for the integration tests, after controller-runtime envtest's
// pkg/internal/testing/controlplane. Binaries come from scripts/build.sh.
//
// Only erasable TypeScript here (no enums, namespaces, parameter properties), so that
// Node runs this file as it is: `node test/apiserver/smoke.ts`.

import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface TestUser {
  readonly name: string;
  readonly groups?: readonly string[];
}

export interface ClientCert {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface ControlPlaneOptions {
  /** Users that get a client cert, a static token and a kubeconfig. Default: DEFAULT_USERS. */
  readonly users?: readonly TestUser[];
  /** Where the binaries are. Default: $KUBECTL_SA_APISERVER_BIN, else test/apiserver/.bin. */
  readonly binDir?: string;
  /** Default 90 s: a cold kube-apiserver on 2 busy cores can take a while. */
  readonly startTimeoutMs?: number;
  /** Appended to kube-apiserver's flags (a later flag wins). */
  readonly apiServerArgs?: readonly string[];
  /**
   * More kube-controller-manager controllers, e.g. `deployment-controller`, `replicaset-controller`: tests
   * that need pods made by real owners start their own control plane with them, so the shared one keeps
   * exact object counts.
   */
  readonly extraControllers?: readonly string[];
}

export interface ControlPlane {
  /** Admin (system:masters) kubeconfig, client-cert auth, CA embedded. */
  readonly kubeconfigPath: string;
  /** A kubeconfig per cert user, keyed like `certs`. */
  readonly kubeconfigs: Readonly<Record<string, string>>;
  /** https://127.0.0.1:PORT */
  readonly server: string;
  readonly caPem: string;
  /** caPem in a file, for kubectl --certificate-authority (with --token, say). */
  readonly caFile: string;
  readonly runDir: string;
  /** Audit log at Metadata level for every request; undefined for a reused foreign cluster. */
  readonly auditLogPath: string | undefined;
  /** Static bearer tokens, keyed by user name; `admin` is ADMIN_USER in system:masters. */
  readonly tokens: Readonly<Record<string, string>>;
  /** Client certs, keyed by user name; `admin` is ADMIN_USER in system:masters. */
  readonly certs: Readonly<Record<string, ClientCert>>;
  /** Milliseconds from the start of startControlPlane until each became ready; zeros when reused. */
  readonly startup: { readonly etcdMs: number; readonly apiServerMs: number; readonly controllerManagerMs: number };
  /** True when KUBECTL_SA_TEST_KUBECONFIG named a cluster to use instead of starting one. */
  readonly reused: boolean;
  /** Kills the processes and removes runDir; a no-op for a reused cluster. Idempotent. */
  stop(): Promise<void>;
}

export const ADMIN_USER = 'kubectl-sa-admin';
export const DEFAULT_USERS: readonly TestUser[] = [{ name: 'alice', groups: ['dev-team'] }, { name: 'bob' }];

const CONTROLLERS = [
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'root-ca-certificate-publisher-controller',
  'namespace-controller',
  'garbage-collector-controller',
  'clusterrole-aggregation-controller',
];
const RUN_DIR_PREFIX = 'kubectl-sa-cp-';
const STOP_GRACE_MS = 5000;
const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'pki', 'tether'];

// What controlplane.json (beside the kubeconfig) keeps so that another process can reuse the cluster.
type Saved = Omit<ControlPlane, 'stop' | 'reused'>;

export function defaultBinDir(): string {
  return process.env.KUBECTL_SA_APISERVER_BIN ?? fileURLToPath(new URL('./.bin/', import.meta.url));
}

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const reuse = process.env.KUBECTL_SA_TEST_KUBECONFIG;
  if (reuse) return reuseCluster(resolve(reuse));

  const bin = opts.binDir ?? defaultBinDir();
  const missing = BINARIES.filter((b) => !existsSync(join(bin, b)));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')} in ${bin}: run test/apiserver/scripts/build.sh`);
  }
  const users = opts.users ?? DEFAULT_USERS;
  const t0 = Date.now();
  const deadline = t0 + (opts.startTimeoutMs ?? 90_000);

  installExitHandlers();
  removeStaleRunDirs();
  const runDir = await mkdtemp(join(tmpdir(), `${RUN_DIR_PREFIX}${process.pid}-`));
  liveRunDirs.add(runDir);
  const procs: Proc[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // etcd last: kube-apiserver waits out the grace period when etcd is already gone.
      await Promise.all(procs.filter((p) => p.name !== 'etcd').map(terminate));
      await Promise.all(procs.map(terminate));
      liveRunDirs.delete(runDir);
      await rm(runDir, { recursive: true, force: true, maxRetries: 3 });
    })());

  try {
    const pkiDir = join(runDir, 'pki');
    await run(join(bin, 'pki'), [pkiDir, ...users.map((u) => `${u.name}:${(u.groups ?? []).join(',')}`)]);
    const pem = (f: string): Promise<string> => readFile(join(pkiDir, f), 'utf8');
    const caPem = await pem('ca.crt');
    const certs: Record<string, ClientCert> = {};
    for (const name of ['admin', ...users.map((u) => u.name)]) {
      const certFile = join(pkiDir, `${name}.crt`);
      const keyFile = join(pkiDir, `${name}.key`);
      certs[name] = { certFile, keyFile, certPem: await pem(`${name}.crt`), keyPem: await pem(`${name}.key`) };
    }
    const admin = certs.admin;
    if (!admin) throw new Error('pki wrote no admin cert');
    const tls = { ca: caPem, cert: admin.certPem, key: admin.keyPem };

    const tokens: Record<string, string> = {};
    const tokenLines: string[] = [];
    for (const u of [{ name: ADMIN_USER, key: 'admin', groups: ['system:masters'] }, ...users.map((u) => ({ ...u, key: u.name }))]) {
      const token = randomBytes(24).toString('hex');
      tokens[u.key] = token;
      tokenLines.push(`${token},${u.name},${u.name},"${(u.groups ?? []).join(',')}"`);
    }
    await writeFile(join(runDir, 'tokens.csv'), tokenLines.join('\n') + '\n', { mode: 0o600 });
    const auditLogPath = join(runDir, 'audit.log');
    await writeFile(
      join(runDir, 'audit-policy.yaml'),
      // RequestReceived would only duplicate every event.
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["RequestReceived"]\nrules:\n- level: Metadata\n',
    );

    const [etcdPort, peerPort, apiPort] = await freePorts(3);
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = spawnProc(bin, 'etcd', runDir, [
      '--name=default',
      `--data-dir=${join(runDir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      // The data is thrown away, so durability buys nothing and fsync costs seconds.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    procs.push(etcd);
    await until('etcd /health', deadline, procs, etcd, async () => {
      const r = await get(`${etcdUrl}/health`);
      return r.status === 200 && r.body.includes('"true"');
    });

    const etcdMs = Date.now() - t0;
    const server = `https://127.0.0.1:${apiPort}`;
    const apiserver = spawnProc(bin, 'kube-apiserver', runDir, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(runDir, 'apiserver-certs')}`,
      `--tls-cert-file=${join(pkiDir, 'apiserver.crt')}`,
      `--tls-private-key-file=${join(pkiDir, 'apiserver.key')}`,
      `--client-ca-file=${join(pkiDir, 'ca.crt')}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      `--service-account-issuer=${server}`,
      `--api-audiences=${server}`,
      `--service-account-key-file=${join(pkiDir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(pkiDir, 'sa.key')}`,
      '--authorization-mode=RBAC',
      `--token-auth-file=${join(runDir, 'tokens.csv')}`,
      `--audit-policy-file=${join(runDir, 'audit-policy.yaml')}`,
      `--audit-log-path=${auditLogPath}`,
      '--allow-privileged=true',
      // Flow control only adds start-up work and throttling a test run can trip over.
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      // The lease reconciler would publish 127.0.0.1 as the `kubernetes` Service's endpoint,
      // which validation rejects (loopback) every 10 s; nothing here needs that endpoint.
      '--endpoint-reconciler-type=none',
      ...(opts.apiServerArgs ?? []),
    ]);
    procs.push(apiserver);
    await until('kube-apiserver /readyz', deadline, procs, apiserver, async () => (await get(`${server}/readyz`, tls)).status === 200);

    const apiServerMs = Date.now() - t0;
    const kubeconfigs: Record<string, string> = {};
    for (const [name, c] of Object.entries(certs)) {
      const path = join(runDir, name === 'admin' ? 'kubeconfig' : `kubeconfig-${name}`);
      await writeFile(path, kubeconfig(server, caPem, name, c), { mode: 0o600 });
      kubeconfigs[name] = path;
    }
    const kubeconfigPath = join(runDir, 'kubeconfig');

    const kcm = spawnProc(bin, 'kube-controller-manager', runDir, [
      `--kubeconfig=${kubeconfigPath}`,
      `--controllers=${[...CONTROLLERS, ...(opts.extraControllers ?? [])].join(',')}`,
      '--use-service-account-credentials=false',
      '--leader-elect=false',
      `--service-account-private-key-file=${join(pkiDir, 'sa.key')}`,
      `--root-ca-file=${join(pkiDir, 'ca.crt')}`,
      '--bind-address=127.0.0.1',
      // No health endpoint needed; 0 also spares a port and a self-signed cert.
      '--secure-port=0',
    ]);
    procs.push(kcm);
    const ok = async (path: string): Promise<boolean> => (await get(server + path, tls)).status === 200;
    await until(
      'kube-controller-manager: aggregated ClusterRole admin, ServiceAccount default/default, ConfigMap default/kube-root-ca.crt',
      deadline,
      procs,
      kcm,
      async () => {
        const r = await get(`${server}/apis/rbac.authorization.k8s.io/v1/clusterroles/admin`, tls);
        const role: { rules?: unknown[] } = r.status === 200 ? (JSON.parse(r.body) as { rules?: unknown[] }) : {};
        return (
          (role.rules?.length ?? 0) > 0 &&
          (await ok('/api/v1/namespaces/default/serviceaccounts/default')) &&
          (await ok('/api/v1/namespaces/default/configmaps/kube-root-ca.crt'))
        );
      },
    );

    const startup = { etcdMs, apiServerMs, controllerManagerMs: Date.now() - t0 };
    const caFile = join(pkiDir, 'ca.crt');
    const saved: Saved = { kubeconfigPath, kubeconfigs, server, caPem, caFile, runDir, auditLogPath, tokens, certs, startup };
    await writeFile(join(runDir, 'controlplane.json'), JSON.stringify(saved, null, 2), { mode: 0o600 });
    return { ...saved, reused: false, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

// ---- processes -------------------------------------------------------------------

interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  readonly exited: Promise<void>;
  /** Set once the process has exited: its exit code, or the signal that ended it. */
  exit: string | undefined;
}

const liveChildren = new Set<ChildProcess>();
const liveRunDirs = new Set<string>();
let exitHandlersInstalled = false;

// Without these a test run that fails or is interrupted would leave the cluster running.
// (A SIGKILLed parent is covered by `tether`, which has the kernel kill the children.)
function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  const killAll = (): void => {
    for (const c of liveChildren) c.kill('SIGKILL');
    for (const d of liveRunDirs) {
      try {
        rmSync(d, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // removeStaleRunDirs gets it next time
      }
    }
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      // Die of the signal as we would have without this handler, unless someone else handles it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

// Run dirs of processes that died without cleaning up (SIGKILL).
function removeStaleRunDirs(): void {
  for (const entry of readdirSync(tmpdir())) {
    const m = new RegExp(`^${RUN_DIR_PREFIX}(\\d+)-`).exec(entry);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(tmpdir(), entry), { recursive: true, force: true });
    }
  }
}

function spawnProc(bin: string, name: string, runDir: string, args: readonly string[]): Proc {
  const logPath = join(runDir, `${name}.log`);
  const fd = openSync(logPath, 'a');
  const child = spawn(join(bin, 'tether'), [String(process.pid), join(bin, name), ...args], {
    cwd: runDir,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  liveChildren.add(child);
  let resolveExit: () => void = () => {};
  const proc: Proc = { name, child, logPath, exited: new Promise<void>((r) => (resolveExit = r)), exit: undefined };
  const done = (how: string): void => {
    liveChildren.delete(child);
    proc.exit ??= how;
    resolveExit();
  };
  child.once('exit', (code, signal) => done(signal ?? `code ${code}`));
  child.once('error', (err) => done(err.message));
  return proc;
}

async function terminate(p: Proc): Promise<void> {
  if (p.exit !== undefined) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), STOP_GRACE_MS);
  await p.exited;
  clearTimeout(timer);
}

/** Polls `check` until it is true; fails early, with the log's tail, if any process exits. */
async function until(what: string, deadline: number, procs: readonly Proc[], blame: Proc, check: () => Promise<boolean>): Promise<void> {
  for (;;) {
    const dead = procs.find((p) => p.exit !== undefined);
    if (dead) throw await startError(dead, `${dead.name} exited (${dead.exit}) while waiting for ${what}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw await startError(blame, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startError(p: Proc, message: string): Promise<Error> {
  const log = await readFile(p.logPath, 'utf8').catch(() => '');
  const tail = log.trimEnd().split('\n').slice(-40).join('\n');
  return new Error(`control plane start-up failed: ${message}\n--- last lines of ${p.logPath} ---\n${tail}`);
}

const execFileP = promisify(execFile);

async function run(file: string, args: readonly string[]): Promise<void> {
  await execFileP(file, args);
}

// ---- helpers ---------------------------------------------------------------------

// Listen on port 0 and close: the port may in principle be taken again before the
// server binds it (envtest accepts the same race); within this process we never hand
// out a port twice.
const handedOut = new Set<number>();
async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = await new Promise<number>((res, rej) => {
      const srv = createServer();
      srv.once('error', rej);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => (addr && typeof addr === 'object' ? res(addr.port) : rej(new Error('no port'))));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      ports.push(port);
    }
  }
  return ports;
}

interface Tls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

function get(url: string, tls?: Tls): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = (tls ? httpsRequest : httpRequest)(url, { ...tls, agent: false, timeout: 5000 }, (resp) => {
      let body = '';
      resp.setEncoding('utf8');
      resp.on('data', (d: string) => (body += d));
      resp.on('end', () => res({ status: resp.statusCode ?? 0, body }));
      resp.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: GET ${url}`)));
    req.on('error', rej);
    req.end();
  });
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

function kubeconfig(server: string, caPem: string, user: string, cert: ClientCert): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: kubectl-sa-test
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(caPem)}
users:
- name: ${user}
  user:
    client-certificate-data: ${b64(cert.certPem)}
    client-key-data: ${b64(cert.keyPem)}
contexts:
- name: ${user}
  context:
    cluster: kubectl-sa-test
    user: ${user}
current-context: ${user}
`;
}

// ---- reusing a running cluster ---------------------------------------------------

interface MinimalKubeconfig {
  clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
}

const NO_STARTUP = { etcdMs: 0, apiServerMs: 0, controllerManagerMs: 0 };

async function reuseCluster(kubeconfigPath: string): Promise<ControlPlane> {
  const noop = async (): Promise<void> => {};
  // A cluster started by this module (smoke.ts --serve) left everything we know beside its kubeconfig.
  const savedPath = join(dirname(kubeconfigPath), 'controlplane.json');
  if (existsSync(savedPath)) {
    const saved = JSON.parse(await readFile(savedPath, 'utf8')) as Saved;
    if (saved.kubeconfigPath === kubeconfigPath) return { ...saved, startup: NO_STARTUP, reused: true, stop: noop };
  }
  const { stdout } = await execFileP('kubectl', ['config', 'view', '--raw', '--minify', '-o', 'json', `--kubeconfig=${kubeconfigPath}`]);
  const cluster = (JSON.parse(stdout) as MinimalKubeconfig).clusters?.[0]?.cluster;
  if (!cluster?.server) throw new Error(`KUBECTL_SA_TEST_KUBECONFIG=${kubeconfigPath}: no server in its current context`);
  const caData = cluster['certificate-authority-data'];
  let caFile = cluster['certificate-authority'] ? resolve(dirname(kubeconfigPath), cluster['certificate-authority']) : '';
  const caPem = caData ? Buffer.from(caData, 'base64').toString('utf8') : caFile ? await readFile(caFile, 'utf8') : '';
  let tmp: string | undefined;
  if (caData) {
    tmp = await mkdtemp(join(tmpdir(), 'kubectl-sa-ca-'));
    caFile = join(tmp, 'ca.crt');
    await writeFile(caFile, caPem);
  }
  return {
    kubeconfigPath,
    kubeconfigs: { admin: kubeconfigPath },
    server: cluster.server,
    caPem,
    caFile,
    runDir: dirname(kubeconfigPath),
    auditLogPath: undefined,
    tokens: {},
    certs: {},
    startup: NO_STARTUP,
    reused: true,
    stop: async () => {
      if (tmp) await rm(tmp, { recursive: true, force: true });
    },
  };
}
