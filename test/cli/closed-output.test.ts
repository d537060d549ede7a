import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

/** Runs the CLI with a reader that closes stdout (and, if asked, stderr) at once, as `| head -0` would. */
function runWithClosedOutput(args: readonly string[], closeStderr = false): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'run.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    if (closeStderr) child.stderr.destroy();
    else child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that stops early (… -o json | head)', () => {
  it.each([
    [['matrix', 'shop:reporting', '-f', 'examples/', '-o', 'json']],
    [['inventory', '-f', 'test/fixtures/corpus/argo-cd/install.yaml', '-o', 'json']],
    [['scan', '-f', 'test/fixtures/corpus', '-o', 'json']],
  ])('%j: no warning, and the exit code of a full run', async (args) => {
    const [closed, full] = await Promise.all([runWithClosedOutput(args), runCli(args)]);
    expect(full.stdout.length).toBeGreaterThan(0);
    expect(closed.stderr).not.toMatch(/unsettled|Warning:|EPIPE|bug in kubectl-sa/);
    expect(closed.stderr).toBe(full.stderr);
    expect(closed.code).toBe(full.code);
  });

  it('stderr closed as well', async () => {
    const args = ['scan', '-f', 'test/fixtures/corpus', '-o', 'json'];
    const [closed, full] = await Promise.all([runWithClosedOutput(args, true), runCli(args)]);
    expect(closed.code).toBe(full.code);
  });
});
