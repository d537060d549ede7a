// `npm run bench:live`: kubectl-sa against a real kube-apiserver (the test harness of test/apiserver, built by
// its scripts/build.sh) loaded with issue 10's live data set — 10,000 ServiceAccounts in 100 namespaces where
// every SA may create pods in its namespace, 2,000 Roles and RoleBindings, 200 ClusterRoles and
// ClusterRoleBindings, 1,000 Deployments (bench/generate.ts, shape `live`) — printing, for `scan -A`,
// `who-can create pods -A` and `permissions`, the whole-process time, peak RSS and the requests sent (counted
// in the API server's audit log, by our User-Agent). Figures, not pass/fail; not part of `npm test`.
//
//   npm run bench:live                  BENCH_SERVICE_ACCOUNTS=2000 BENCH_ROUNDS=1 npm run bench:live
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import type { ProcessCommand } from './measure.js';

const local = (file: string) => new URL(file, import.meta.url).href;
const { generateObjects } = (await import(local('./generate.ts'))) as typeof import('./generate.js');
const { environment, median, mebibytes, repoRoot, runOnce, seconds } = (await import(
  local('./measure.ts')
)) as typeof import('./measure.js');
const { startControlPlane } = (await import(
  local('../test/apiserver/controlplane.ts')
)) as typeof import('../test/apiserver/controlplane.js');

const serviceAccounts = Number(process.env.BENCH_SERVICE_ACCOUNTS ?? 10_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const objects = generateObjects('live', serviceAccounts);

console.log(`kubectl-sa live benchmark · ${rounds} rounds, medians · ${environment()}`);
const controlPlane = await startControlPlane();
try {
  const admin = controlPlane.certs.admin;
  if (!admin) throw new Error('the control plane has no admin certificate');
  const tls = { ca: controlPlane.caPem, cert: admin.certPem, key: admin.keyPem };
  const server = new URL(controlPlane.server);

  const send = (method: string, pathname: string, body?: unknown) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: server.hostname,
          port: server.port,
          method,
          path: pathname,
          ...tls,
          headers: { 'Content-Type': 'application/json', 'User-Agent': 'kubectl-sa-bench-loader', Accept: 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  const collection = (object: Record<string, unknown>): string => {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const plural = {
      ServiceAccount: 'serviceaccounts',
      Namespace: 'namespaces',
      Role: 'roles',
      RoleBinding: 'rolebindings',
      ClusterRole: 'clusterroles',
      ClusterRoleBinding: 'clusterrolebindings',
      Deployment: 'deployments',
    }[kind];
    if (!plural) throw new Error(`the live data set has an unexpected kind ${kind}`);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const namespace = (object.metadata as { namespace?: string }).namespace;
    return namespace ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
  };

  // Namespaces first, then the rest, 32 requests at a time.
  const started = performance.now();
  const create = async (object: Record<string, unknown>) => {
    const answer = await send('POST', collection(object), object);
    if (answer.status !== 201) throw new Error(`creating ${String(object.kind)}: ${answer.status} ${answer.text.slice(0, 300)}`);
  };
  const namespaces = objects.filter((object) => object.kind === 'Namespace');
  const rest = objects.filter((object) => object.kind !== 'Namespace');
  await Promise.all(namespaces.map(create));
  let next = 0;
  const worker = async () => {
    for (let object = rest[next++]; object; object = rest[next++]) await create(object);
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  // The serviceaccount controller gives every namespace its `default` SA; wait for them, so every command sees the same cluster.
  for (let waited = 0; waited < 120; waited++) {
    const list = JSON.parse((await send('GET', '/api/v1/serviceaccounts?fieldSelector=metadata.name%3Ddefault')).text) as {
      items?: unknown[];
    };
    if ((list.items?.length ?? 0) >= namespaces.length) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  console.log(`loaded ${objects.length.toLocaleString('en')} objects in ${seconds(performance.now() - started)}\n`);

  const auditLog = controlPlane.auditLogPath;
  const ourRequests = () =>
    auditLog
      ? readFileSync(auditLog, 'utf8')
          .split('\n')
          .filter((line) => line.includes('"userAgent":"kubectl-sa"')).length
      : Number.NaN;
  const cli = path.join(repoRoot, 'bin', 'run.js');
  const kube = ['--kubeconfig', controlPlane.kubeconfigPath];
  const commands: ProcessCommand[] = [
    { label: 'scan -A', args: [cli, 'scan', '-A', ...kube, '-o', 'json'], okStatus: [0, 1] },
    { label: 'who-can create pods -A', args: [cli, 'who-can', 'create', 'pods', '-A', ...kube, '-o', 'json'] },
    { label: 'permissions ci:runner-0', args: [cli, 'permissions', 'ci:runner-0', ...kube, '-o', 'json'] },
  ];
  console.log('| command | time | CPU time | peak RSS | requests |');
  console.log('|---|---|---|---|---|');
  for (const command of commands) {
    const samples: { ms: number; cpuMs: number; rssKiB: number; requests: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      const before = ourRequests();
      const sample = runOnce(command);
      samples.push({ ...sample, requests: ourRequests() - before });
    }
    const requests = [...new Set(samples.map((sample) => sample.requests))].join(', ');
    console.log(
      `| ${command.label} | ${seconds(median(samples.map((sample) => sample.ms)))} | ${seconds(median(samples.map((sample) => sample.cpuMs)))} | ${mebibytes(median(samples.map((sample) => sample.rssKiB)))} | ${requests} |`,
    );
  }
  console.log(`\nafter: ${environment()}`);
} finally {
  await controlPlane.stop();
}
