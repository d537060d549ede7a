// Checks the test control plane end to end and prints how long it took:
//
//   node test/apiserver/smoke.ts           start, check, stop
//   node test/apiserver/smoke.ts --serve   start, check, then keep it running until Ctrl-C and
//                                          print the KUBECTL_SA_TEST_KUBECONFIG that reuses it
//
// (Node 22 needs --experimental-strip-types; Node >= 23.6 runs .ts as it is.)

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { startControlPlane } from './controlplane.ts';
import type { ControlPlane } from './controlplane.ts';

const serve = process.argv.includes('--serve');
const secs = (t0: number): string => ((performance.now() - t0) / 1000).toFixed(1) + 's';

let t = performance.now();
const cp = await startControlPlane();
const { etcdMs, apiServerMs, controllerManagerMs } = cp.startup;
console.log(
  `started in ${secs(t)}${cp.reused ? ' (reused KUBECTL_SA_TEST_KUBECONFIG)' : ` (ready: etcd ${etcdMs} ms, kube-apiserver ${apiServerMs} ms, controllers ${controllerManagerMs} ms)`}: ` +
    `${cp.server}, run dir ${cp.runDir}`,
);

const kubectl = (args: readonly string[], kubeconfig = cp.kubeconfigPath): string =>
  execFileSync('kubectl', [`--kubeconfig=${kubeconfig}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

// Token auth only: with a kubeconfig's client cert, the cert would win over --token.
const kubectlWithToken = (token: string, args: readonly string[]): string =>
  execFileSync(
    'kubectl',
    ['--kubeconfig=/dev/null', `--server=${cp.server}`, `--certificate-authority=${cp.caFile}`, `--token=${token}`, ...args],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ).trim();

// `kubectl auth can-i` answers "no" with exit code 1.
function canI(args: readonly string[]): string {
  try {
    return kubectl(['auth', 'can-i', ...args]);
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err).trim();
  }
}

async function eventually(what: string, check: () => boolean, timeoutMs = 30_000): Promise<string> {
  const t0 = performance.now();
  for (;;) {
    if (check()) return secs(t0);
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function check(name: string, ok: boolean, detail: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  if (!ok) process.exitCode = 1;
}

async function smoke(cp: ControlPlane): Promise<void> {
  const version = JSON.parse(kubectl(['get', '--raw', '/version'])) as { gitVersion?: string };
  check('/version', /^v1\.\d+\.\d+/.test(version.gitVersion ?? '') && version.gitVersion !== 'v0.0.0', String(version.gitVersion));

  const rules = kubectl(['get', 'clusterrole', 'admin', '-o', 'jsonpath={.rules}']);
  check('ClusterRole admin aggregated', (JSON.parse(rules || '[]') as unknown[]).length > 0, `${rules.length} bytes of rules`);

  const ns = `smoke-${process.pid}`;
  kubectl(['create', 'namespace', ns]);
  const saTook = await eventually('default ServiceAccount', () =>
    kubectl(['get', 'serviceaccounts', '-n', ns, '-o', 'name']).includes('serviceaccount/default'),
  );
  check('ServiceAccount controller', true, `${ns}/default after ${saTook}`);

  kubectl(['create', 'serviceaccount', 'legacy', '-n', ns]);
  execFileSync('kubectl', [`--kubeconfig=${cp.kubeconfigPath}`, 'apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'legacy-token', namespace: ns, annotations: { 'kubernetes.io/service-account.name': 'legacy' } },
    }),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const getToken = (): string => kubectl(['get', 'secret', 'legacy-token', '-n', ns, '-o', 'jsonpath={.data.token}']);
  const tokenTook = await eventually('token controller fills data.token', () => getToken() !== '');
  const saToken = Buffer.from(getToken(), 'base64').toString('utf8');
  const whoSA = kubectlWithToken(saToken, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
  check('token controller', whoSA === `system:serviceaccount:${ns}:legacy`, `data.token after ${tokenTook}, authenticates as ${whoSA}`);

  // A foreign cluster (KUBECTL_SA_TEST_KUBECONFIG without our controlplane.json) has no test users.
  if (cp.kubeconfigs.alice && cp.tokens.bob) {
    const alice = kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}'], cp.kubeconfigs.alice);
    check('client cert user', alice.startsWith('alice ') && alice.includes('dev-team'), alice);
    const bob = kubectlWithToken(cp.tokens.bob, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    check('static token user', bob === 'bob', bob);
  }
  const bobCan = canI(['list', 'secrets', '-n', ns, '--as=bob']);
  check('RBAC denies bob', bobCan === 'no', `can-i list secrets: ${bobCan}`);

  if (cp.auditLogPath) {
    const audit = readFileSync(cp.auditLogPath, 'utf8');
    const created = audit
      .split('\n')
      .some((l) => l.includes('"verb":"create"') && l.includes(`"name":"${ns}"`) && l.includes('"level":"Metadata"'));
    check('audit log', created, `${audit.split('\n').length - 1} events, namespace create logged: ${created}`);
  }
  const owner = JSON.parse(kubectl(['create', 'configmap', 'owner', '-n', ns, '-o', 'json'])) as { metadata: { uid: string } };
  execFileSync('kubectl', [`--kubeconfig=${cp.kubeconfigPath}`, 'apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'dependent',
        namespace: ns,
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid }],
      },
    }),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  kubectl(['delete', 'configmap', 'owner', '-n', ns]);
  const gcTook = await eventually(
    'garbage collector deletes the dependent',
    () => kubectl(['get', 'configmap', 'dependent', '-n', ns, '--ignore-not-found', '-o', 'name']) === '',
  );
  check('garbage collector', true, `dependent deleted after ${gcTook}`);

  kubectl(['delete', 'namespace', ns, '--wait=false']);
  const nsTook = await eventually(
    'namespace controller finalizes the namespace',
    () => kubectl(['get', 'namespace', ns, '--ignore-not-found', '-o', 'name']) === '',
  );
  check('namespace controller', true, `${ns} deleted after ${nsTook}`);
}

try {
  t = performance.now();
  await smoke(cp);
  console.log(`checks took ${secs(t)}`);
} finally {
  if (serve && process.exitCode !== 1) {
    console.log(`serving; in another shell:\n  export KUBECTL_SA_TEST_KUBECONFIG=${cp.kubeconfigPath}\nCtrl-C stops it.`);
    await new Promise<void>((r) => process.once('SIGINT', () => r()));
  }
  t = performance.now();
  await cp.stop();
  if (!cp.reused) check('stop', !existsSync(cp.runDir), `stopped in ${secs(t)}, run dir removed`);
}
console.log(process.exitCode === 1 ? 'smoke: FAILED' : 'smoke: ok');
