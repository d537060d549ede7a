import path from 'node:path';
import { repoRoot, runCli, runProgram, type CliResult } from './cli.js';
import { expectNoJwt } from './jwt-shaped.js';

export { expectNoJwt, jwtShaped } from './jwt-shaped.js';

export interface TokenRunOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Only `token create` may print a token, and only on stdout. */
  readonly tokenOnStdout?: boolean;
  /** Run as `kubectl sa …`, the real kubectl finding bin/kubectl-sa on PATH, as a user's shell would. */
  readonly throughKubectl?: boolean;
}

/**
 * Runs `kubectl-sa` (or `kubectl sa`) and fails the test if stderr (and stdout unless allowed) carries a
 * token; runCli checks every run of every test the same way, this also covers runs through kubectl.
 */
export async function runTokenCli(args: readonly string[], options: TokenRunOptions = {}): Promise<CliResult> {
  const run = { ...(options.input === undefined ? {} : { input: options.input }), ...(options.env ? { env: options.env } : {}) };
  const result = options.throughKubectl
    ? await runProgram('kubectl', ['sa', ...args], {
        ...run,
        env: {
          ...options.env,
          PATH: `${path.join(repoRoot, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
          KUBECTL_SA_NODE: process.execPath,
        },
      })
    : await runCli(args, run);
  expectNoJwt(result.stderr, `stderr of ${args.slice(0, 2).join(' ')}`);
  if (!options.tokenOnStdout) expectNoJwt(result.stdout, `stdout of ${args.slice(0, 2).join(' ')}`);
  return result;
}
