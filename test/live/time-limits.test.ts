import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runProgram } from '../helpers/cli.js';
import { liveCluster } from './kube.js';

/**
 * A server that accepts connections and never says a word: a hung API server, or a load balancer whose
 * backends are gone. Every connection is recorded with when it came and when the client let it go.
 */
interface SilentServer {
  readonly server: Server;
  readonly kubeconfig: string;
  readonly connections: { readonly openedAt: number; closedAt?: number }[];
}

const silentServers: SilentServer[] = [];

async function silentServer(): Promise<SilentServer> {
  const connections: SilentServer['connections'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const connection: { openedAt: number; closedAt?: number } = { openedAt: Date.now() };
    connections.push(connection);
    sockets.add(socket);
    socket.on('close', () => {
      connection.closedAt = Date.now();
      sockets.delete(socket);
    });
    socket.on('error', () => undefined);
  });
  server.on('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'kubectl-sa-silent-')), 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`,
  );
  const silent = { server, kubeconfig, connections };
  silentServers.push(silent);
  return silent;
}

afterEach(() => {
  for (const silent of silentServers.splice(0)) silent.server.close();
});

/** Runs the CLI and notes when its first stderr line came and when the process ended. */
function timedRun(args: readonly string[]): Promise<{ code: number | null; stderr: string; errorAt: number; exitAt: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'run.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let errorAt = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!errorAt && stderr.includes('error: ')) errorAt = Date.now();
    });
    child.on('exit', (code) => resolve({ code, stderr, errorAt, exitAt: Date.now() }));
  });
}

describe('time limits that hold, against a server that never answers', () => {
  it('--request-timeout bounds the whole command, not each request × retries × the in-flight cap', async () => {
    const silent = await silentServer();
    const result = await timedRun(['scan', '-A', '--kubeconfig', silent.kubeconfig, '--request-timeout', '2s']);
    expect(result.code).toBe(3);
    expect(result.stderr.split('\n')[0]).toMatch(
      /^error: gave up after 2s \(--request-timeout\): the cluster at https:\/\/127\.0\.0\.1:\d+ had not answered GET \/\S+$/,
    );
    // Measured from the first request the server saw, so the CLI's own start-up time does not count.
    const firstRequest = Math.min(...silent.connections.map((connection) => connection.openedAt));
    expect(result.errorAt - firstRequest).toBeGreaterThanOrEqual(1900);
    expect(result.errorAt - firstRequest).toBeLessThan(3500);
    // Nothing retried after the budget was spent: every connection opened within it.
    const timeline = JSON.stringify(silent.connections.map((c) => [c.openedAt - firstRequest, (c.closedAt ?? 0) - firstRequest]));
    expect(
      silent.connections.every((connection) => connection.openedAt - firstRequest < 2000),
      timeline,
    ).toBe(true);
    // The process ends as soon as it has said why: nothing in flight keeps it up.
    expect(result.exitAt - result.errorAt).toBeLessThan(1000);
  }, 60_000);

  it('without --request-timeout gives up within 60 s, saying what it waited for', async () => {
    const silent = await silentServer();
    const result = await timedRun(['who-can', 'get', 'secrets', '--kubeconfig', silent.kubeconfig]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^error: gave up after 60s without an answer from the cluster at https:\/\/127\.0\.0\.1:\d+ to GET \/\S+\nhint: .*--request-timeout to wait longer \(0 waits forever\)\n$/,
    );
    const firstRequest = Math.min(...silent.connections.map((connection) => connection.openedAt));
    expect(result.errorAt - firstRequest).toBeLessThan(62_000);
    expect(result.exitAt - result.errorAt).toBeLessThan(1000);
  }, 120_000);

  it('on a terminal, a spinner names what is being read after a second, and is gone before the error', async () => {
    const silent = await silentServer();
    // util-linux script(1) gives the CLI a pseudo-terminal, as an interactive shell would.
    const command = `'${process.execPath}' bin/run.js who-can get secrets --kubeconfig '${silent.kubeconfig}' --request-timeout 3s`;
    const result = await runProgram('script', ['-qec', command, '/dev/null'], { env: { NO_COLOR: '' } });
    const output = result.stdout;
    expect(output).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] reading (serviceaccounts|roles|rolebindings|clusterroles|clusterrolebindings)[^\r]*\(\d+s\)/);
    // The error is printed on a clean line: the spinner's line is erased first.
    expect(output).toMatch(/\r\u001b\[Kerror: gave up after 3s/);
    // Piped, the same command writes no control characters at all.
    const piped = await timedRun(['who-can', 'get', 'secrets', '--kubeconfig', silent.kubeconfig, '--request-timeout', '2s']);
    expect(piped.stderr).not.toMatch(/\r|\u001b/);
  }, 60_000);

  it('a healthy cluster: a short --request-timeout is plenty, and nothing is drawn when stderr is not a terminal', async () => {
    const result = await timedRun(['who-can', 'get', 'secrets', '--kubeconfig', liveCluster().kubeconfigPath, '--request-timeout', '20s']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/\r|\u001b|reading/);
  }, 60_000);
});
