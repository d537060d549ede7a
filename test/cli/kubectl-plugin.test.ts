import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runProgram } from '../helpers/cli.js';

/**
 * These run the real kubectl binary, which discovers bin/kubectl-sa on PATH exactly as it would on a
 * user's machine. No kubectl means the machine is not set up: the suite fails rather than skips.
 */
const pluginEnv = {
  // bin/kubectl-sa runs on the `node` found on PATH: the one running these tests.
  PATH: [path.join(repoRoot, 'bin'), path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter),
};
const kubectl = (args: string[], input?: string) =>
  runProgram('kubectl', args, { env: pluginEnv, ...(input === undefined ? {} : { input }) });

describe('kubectl sa, through kubectl itself', () => {
  beforeAll(() => {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  });

  it('is listed by kubectl plugin list', async () => {
    const result = await kubectl(['plugin', 'list']);
    expect(result.stdout).toContain(path.join(repoRoot, 'bin', 'kubectl-sa'));
  });

  it('answers kubectl sa version', async () => {
    const result = await kubectl(['sa', 'version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kubectl-sa v\d+\.\d+\.\d+ \(node \d+\.\d+\.\d+, linux\/x64\)\n$/);
  });

  it('shows help with kubectl sa in the usage lines', async () => {
    const result = await kubectl(['sa', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$ kubectl sa [COMMAND]');
    expect(result.stdout).toMatch(/inventory\s+List the objects/);
  });

  it('shows help for one command with kubectl sa help COMMAND', async () => {
    const result = await kubectl(['sa', 'help', 'inventory']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$ kubectl sa inventory');
    expect(result.stdout).toContain('-f, --filename=<value>...');
    expect(result.stdout).toContain('-n, --namespace=<value>');
  });

  it('prints the help when run without arguments and stdout is not a terminal', async () => {
    const result = await kubectl(['sa']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$ kubectl sa [COMMAND]');
  });

  it('reads manifests from stdin with -f -', async () => {
    const result = await kubectl(
      ['sa', 'inventory', '-f', '-', '-n', 'team-a'],
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: robot\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('KIND             NAMESPACE   NAME    SOURCE\nServiceAccount   team-a      robot   <stdin>:1\n');
  });
});
