import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harnessLogText } from '../helpers/audit-fixture.js';
import { runProgram } from '../helpers/cli.js';
import { releaseDir, repoRoot, version } from './release.js';

/**
 * The npm route (Apple silicon, or anyone with a Node.js ≥ 22.12): `npm install -g` of the packed package
 * into an empty prefix, offline — the bundle carries every dependency — and `kubectl-sa` on PATH works.
 */
const prefix = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-npm-'));
const bin = path.join(prefix, 'bin');
const env = { PATH: [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter), npm_config_prefix: prefix };

describe('npm install -g kubectl-sa (from the packed tarball)', () => {
  beforeAll(() => {
    const tarball = path.join(releaseDir, `kubectl-sa-${version}.tgz`);
    execFileSync('npm', ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], { stdio: 'ignore' });
  }, 120_000);
  afterAll(() => rmSync(prefix, { recursive: true, force: true }));

  it('installs the bundle and nothing else', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { dependencies?: object };
    expect(manifest.dependencies ?? {}, 'the bundle carries every library: add it with npm install --save-dev').toEqual({});
    const installed = path.join(prefix, 'lib', 'node_modules', 'kubectl-sa');
    expect(readdirSync(installed).sort()).toEqual(['LICENSE', 'README.md', 'bin', 'dist', 'package.json', 'policies']);
    expect(existsSync(path.join(installed, 'node_modules'))).toBe(false);
  });

  it('puts kubectl-sa on PATH, answering like the standalone binary', async () => {
    const result = await runProgram('kubectl-sa', ['version'], { env, cwd: prefix });
    expect(result.stdout).toBe(`kubectl-sa v${version} (node ${process.versions.node}, ${process.platform}/${process.arch})\n`);
    const scan = await runProgram('kubectl-sa', ['scan', '-f', path.join(repoRoot, 'examples')], { env, cwd: prefix });
    expect(scan.code).toBe(1);
    expect(scan.stdout).toMatch(/\d+ findings \(.*\) · \d+ objects · score \d+\/100\n$/);
  });

  it('reads an audit log in threads of its own (the program text it carries) with the answer one thread gives', async () => {
    const log = path.join(prefix, 'audit.log');
    writeFileSync(log, harnessLogText());
    const args = ['usage', '--audit-log', log, '--log-only', '-o', 'json'];
    const threaded = await runProgram('kubectl-sa', args, { env: { ...env, KUBECTL_SA_AUDIT_THREADS: '3' }, cwd: prefix });
    const single = await runProgram('kubectl-sa', args, { env: { ...env, KUBECTL_SA_AUDIT_THREADS: '1' }, cwd: prefix });
    expect(threaded.stderr).toBe('');
    expect(threaded.code).toBe(0);
    expect(threaded.stdout).toBe(single.stdout);
    expect((JSON.parse(threaded.stdout) as { requests: number }).requests).toBeGreaterThan(100);
  });

  it('is a kubectl plugin: kubectl sa runs it', async () => {
    const result = await runProgram('kubectl', ['sa', '--help'], { env, cwd: prefix });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$ kubectl sa [COMMAND]');
  });
});
