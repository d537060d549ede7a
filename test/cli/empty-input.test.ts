import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runProgram } from '../helpers/cli.js';
import { allCommands } from '../helpers/commands.js';

// An empty input must not pass a CI gate: like kubectl's "no objects passed", exit 2 unless --allow-empty.
const scratch = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-empty-'));
const emptyFile = path.join(scratch, 'empty.yaml');
writeFileSync(emptyFile, '# rendered nothing\n---\n');
const emptyFolder = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-empty-folder-'));
const patchOnly = path.join('test', 'fixtures', 'corpus', 'flux2', 'helm-controller-patch.yaml');

/** Arguments each file-reading command needs besides its input; a new one must be added here (a test says so). */
const argumentsOf: Record<string, string[]> = {
  scan: [],
  inventory: [],
  'can-i': ['get', 'pods', '--sa', 'default:default'],
  'who-can': ['get', 'pods'],
  permissions: ['default:default'],
  matrix: ['default:default'],
  fix: [],
  'fix default-sa': [],
  'fix automount': ['deploy/cart'],
  'fix dedicated-sa': ['deploy/cart'],
  'role generate': ['--sa', 'default:default', '--verb', 'get', '--resource', 'pods', '--diff'],
  usage: ['--audit-log', path.join('test', 'fixtures', 'audit', 'harness-shop.log.gz')],
};

/** Commands whose argument names an object: with --allow-empty the input is accepted, and the object is then not found (exit 2). */
const namesAnObject = new Set(['fix automount', 'fix dedicated-sa']);

const hint =
  'hint: check what produced the input (an empty helm template or kustomize build, a wrong path), or pass --allow-empty if no objects is a valid answer\n';

describe('empty input', () => {
  it.each([
    [['scan', '-f', emptyFile], `error: no objects passed: ${emptyFile} holds no Kubernetes objects\n`],
    [['scan', '-f', emptyFolder], `error: no objects passed: ${emptyFolder} holds no Kubernetes objects\n`],
    [['scan', '-f', '-'], 'error: no objects passed: stdin holds no Kubernetes objects\n'],
    [
      ['scan', '-f', patchOnly],
      `error: no objects passed: ${patchOnly} holds no Kubernetes objects (1 document(s) that are not Kubernetes objects skipped, the first at ${patchOnly}:1)\n`,
    ],
  ])('%j is exit 2: %s', async (args, message) => {
    const result = await runCli(args);
    expect(result).toEqual({ code: 2, stdout: '', stderr: message + hint });
  });

  it('false | kubectl sa scan -f - is exit 2', async () => {
    const result = await runProgram('bash', ['-c', `false | "${process.execPath}" bin/run.js scan -f -`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: no objects passed: stdin holds no Kubernetes objects');
  });

  it('--allow-empty accepts it: nothing to report, exit 0', async () => {
    const result = await runCli(['scan', '-f', emptyFile, '--allow-empty', '-o', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).findings).toEqual([]);
  });

  it('one object anywhere in the input is enough', async () => {
    const result = await runCli(['inventory', '-f', emptyFile, '-f', 'examples/hardened/payments.yaml', '-o', 'json']);
    expect(result.code).toBe(0);
  });

  describe('every command that reads manifests', async () => {
    // tui needs a terminal before it reads anything: test/tui/terminal.test.ts checks it on an empty file there.
    const readers = (await allCommands()).filter((entry) => 'allow-empty' in (entry.command.flags ?? {}) && entry.id !== 'tui');

    it('are all listed here with the arguments they need', () => {
      expect(
        readers.map((entry) => entry.id).sort(),
        'a command that takes -f must refuse empty input too: add it, with the arguments it needs, to argumentsOf in this file',
      ).toEqual(Object.keys(argumentsOf).sort());
    });

    it.each(readers.map((entry) => [entry.id]))('%s: exit 2 on an empty file, 0 with --allow-empty', async (id) => {
      const args = [...id.split(' '), ...(argumentsOf[id] ?? []), '-f', emptyFile];
      const [refused, allowed] = await Promise.all([runCli(args), runCli([...args, '--allow-empty'])]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('error: no objects passed');
      expect(allowed.stderr).not.toContain('no objects passed');
      if (namesAnObject.has(id)) expect(allowed.stderr).toContain('is not in the input');
      else expect([0, 1]).toContain(allowed.code);
    });
  });
});
