import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveName, NODE_VERSION, TARGETS } from '../../scripts/release/targets.js';
import { runCli, runProgram } from '../helpers/cli.js';
import { harnessLogText } from '../helpers/audit-fixture.js';
import { krewBinary, releaseDir, repoRoot, version } from './release.js';

/**
 * The linux/amd64 release as a krew user gets it: krew itself installs the archive with the release manifest
 * into an empty KREW_ROOT, and kubectl runs the plugin with nothing on PATH but kubectl and krew's bin — no Node.
 */
const linux = TARGETS.find((target) => target.os === 'linux' && target.arch === 'amd64')!;
const work = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-krew-'));
const krewRoot = path.join(work, 'krew');
const tools = path.join(work, 'tools');
const env = {
  PATH: [path.join(krewRoot, 'bin'), tools].join(path.delimiter),
  HOME: work,
  KREW_ROOT: krewRoot,
  KUBECONFIG: path.join(work, 'no-kubeconfig'),
};
const run = (file: string, args: string[]) => runProgram(file, args, { env, cwd: work });

describe('kubectl krew install, then kubectl sa, with no Node on PATH', () => {
  beforeAll(() => {
    mkdirSync(tools);
    // kubectl and krew only: whatever else the machine has (node above all) is out of reach.
    symlinkSync(execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim(), path.join(tools, 'kubectl'));
    symlinkSync(krewBinary, path.join(tools, 'kubectl-krew'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('has no node to run', async () => {
    expect((await run('/bin/sh', ['-c', 'command -v node || command -v nodejs'])).code).not.toBe(0);
  });

  it('installs with krew from the release manifest and archive', async () => {
    const manifest = path.join(releaseDir, 'krew-manifest.yaml');
    const archive = path.join(releaseDir, archiveName(version, linux));
    const result = await run('kubectl', ['krew', 'install', `--manifest=${manifest}`, `--archive=${archive}`]);
    expect(result.stderr + result.stdout).toContain('Installed plugin: sa');
    expect(result.code).toBe(0);
    const listed = await run('kubectl', ['plugin', 'list']);
    expect(listed.stdout).toContain(path.join(krewRoot, 'bin', 'kubectl-sa'));
  }, 120_000);

  it('answers kubectl sa version with package.json’s version, on the Node inside it', async () => {
    const result = await run('kubectl', ['sa', 'version']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`kubectl-sa v${version} (node ${NODE_VERSION}, linux/x64)\n`);
    expect((await run('kubectl', ['sa', '--version'])).stdout).toBe(result.stdout);
    expect(JSON.parse((await run('kubectl', ['sa', 'version', '-o', 'json'])).stdout)).toEqual({
      kubectlSa: version,
      node: NODE_VERSION,
      platform: 'linux/x64',
    });
  });

  it('scans examples/ exactly as the npm package does', async () => {
    const args = ['scan', '-f', path.join(repoRoot, 'examples'), '-o', 'json'];
    const standalone = await run('kubectl', ['sa', ...args]);
    const npm = await runCli(args);
    expect(standalone.stderr).toBe(npm.stderr);
    expect(standalone.code).toBe(1); // the insecure examples have findings at or above --fail-on high
    expect(standalone.stdout).toBe(npm.stdout);
    expect((JSON.parse(standalone.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(5);
  });

  it('reads an audit log in threads of its own (the program text it carries) with the answer one thread gives', async () => {
    const log = path.join(work, 'audit.log');
    writeFileSync(log, harnessLogText());
    const args = ['sa', 'usage', '--audit-log', log, '--log-only', '-o', 'json'];
    const threaded = await runProgram('kubectl', args, { env: { ...env, KUBECTL_SA_AUDIT_THREADS: '3' }, cwd: work });
    const single = await runProgram('kubectl', args, { env: { ...env, KUBECTL_SA_AUDIT_THREADS: '1' }, cwd: work });
    expect(threaded.stderr).toBe('');
    expect(threaded.code).toBe(0);
    expect(threaded.stdout).toBe(single.stdout);
    expect((JSON.parse(threaded.stdout) as { requests: number }).requests).toBeGreaterThan(100);
  });

  it('shows help that says kubectl sa and lists the commands', async () => {
    const result = await run('kubectl', ['sa', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$ kubectl sa [COMMAND]');
    expect(result.stdout).toMatch(/scan\s+Audit ServiceAccounts/);
  });

  it('reads manifests from stdin and reports bad input with exit code 2', async () => {
    const good = await runProgram('kubectl', ['sa', 'inventory', '-f', '-', '-n', 'team-a'], {
      env,
      cwd: work,
      input: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: robot\n',
    });
    expect(good.stdout).toContain('ServiceAccount   team-a      robot   <stdin>:1');
    const bad = await runProgram('kubectl', ['sa', 'scan', '-f', '-'], { env, cwd: work, input: 'kind: [unclosed\n' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: <stdin>:\d+/m);
  });

  it('is listed and uninstalled by krew', async () => {
    // krew reads its local index for these; `krew update` would clone it from the network, so an empty one stands in.
    execFileSync('git', ['init', '--quiet', path.join(krewRoot, 'index', 'default')]);
    expect((await run('kubectl', ['krew', 'list'])).stdout).toMatch(/^detached\/sa$/m);
    const uninstalled = await run('kubectl', ['krew', 'uninstall', 'sa']);
    expect(uninstalled.stderr + uninstalled.stdout).toContain('Uninstalled plugin: sa');
    expect(uninstalled.code).toBe(0);
    expect((await run('kubectl', ['sa', 'version'])).code).not.toBe(0);
  });
});
