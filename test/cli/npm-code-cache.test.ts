import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runProgram } from '../helpers/cli.js';

/**
 * The npm route (bin/kubectl-sa → dist/npm-main.js) runs the program with a V8 code cache per command in the
 * user's cache folder: made by the first run, taken by the next, and the answers are the ES module bundle's.
 */
const launcher = path.join(repoRoot, 'bin', 'kubectl-sa');
const scan = ['scan', '-f', path.join(repoRoot, 'examples'), '-o', 'json'];
const run = (args: readonly string[], env: NodeJS.ProcessEnv) => runProgram(process.execPath, [launcher, ...args], { env });
const cacheLines = (stderr: string) => stderr.split('\n').filter((line) => /^KUBECTL-SA \d+: code cache /.test(line));
const withoutCacheLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => !/^KUBECTL-SA \d+: /.test(line))
    .join('\n');

describe('the npm route’s code cache', () => {
  it('is made by a command’s first run, taken by the next, and changes no answer', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-home-'));
    const env = { HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), NODE_DEBUG: 'kubectl-sa' };
    const first = await run(scan, env);
    expect(cacheLines(first.stderr).map((line) => line.replace(/^.*: /, ''))).toEqual(['none', 'written']);
    const folder = path.join(home, 'cache', 'kubectl-sa', 'code-cache');
    const [key] = readdirSync(folder);
    expect(key).toMatch(new RegExp(`^[0-9a-f]{16}-node${process.version.replaceAll('.', '\\.')}-${process.arch}$`));
    expect(readdirSync(path.join(folder, key!))).toEqual(['scan.v8-cache']);

    const second = await run(scan, env);
    expect(cacheLines(second.stderr).map((line) => line.replace(/^.*: /, ''))).toEqual(['accepted']);

    // The ES module bundle with Node's compile cache, where no cache is kept: the same answer.
    const plain = await run(scan, { ...env, KUBECTL_SA_NO_CODE_CACHE: '1' });
    expect(cacheLines(plain.stderr)).toEqual([]);
    for (const result of [first, second]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toBe(plain.stdout);
      expect(withoutCacheLines(result.stderr)).toBe(withoutCacheLines(plain.stderr));
    }
    expect(JSON.parse(plain.stdout)).toHaveProperty('findings');

    // version and help share a cache of their own.
    await run(['version'], env);
    await run(['scan', '--help'], env);
    expect(readdirSync(path.join(folder, key!)).sort()).toEqual(['scan.v8-cache', 'start.v8-cache']);
  });

  it('runs, silently and alike, where no cache can be kept (a home that cannot hold one)', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-home-'));
    const notAFolder = path.join(home, 'file');
    writeFileSync(notAFolder, '');
    const env = { HOME: notAFolder, XDG_CACHE_HOME: notAFolder };
    const unwritable = await run(scan, env);
    const plain = await run(scan, { ...env, KUBECTL_SA_NO_CODE_CACHE: '1' });
    expect(unwritable.code).toBe(1);
    expect(unwritable.stdout).toBe(plain.stdout);
    expect(unwritable.stderr).toBe(plain.stderr);
    expect(readdirSync(home)).toEqual(['file']);
  });
});
