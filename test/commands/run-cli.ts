import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs the built CLI (`npm run build` first) as a user would, returning output and exit code. */
export async function runCli(args: readonly string[]): Promise<CliResult> {
  if (!existsSync(`${root}dist/cli/main.js`)) throw new Error('dist/ is missing: run `npm run build` before these tests');
  try {
    const { stdout, stderr } = await run(process.execPath, [`${root}bin/run.js`, ...args], { cwd: root });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: typeof failed.code === 'number' ? failed.code : -1 };
  }
}
