import path from 'node:path';
import { expect } from 'vitest';
import { repoRoot, runCli, runProgram, type CliResult } from './cli.js';

/**
 * Anything that looks like a JWT: a base64url JSON header ("eyJ" is `{"`), a payload and a signature.
 * Every output stream of every token test goes through this; only `token create`'s stdout may match.
 */
export const jwtShaped = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/;

export function expectNoJwt(text: string, stream: string): void {
  const match = jwtShaped.exec(text);
  expect(match, `${stream} holds a JWT-shaped string at offset ${match?.index ?? -1}`).toBeNull();
}

export interface TokenRunOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Only `token create` may print a token, and only on stdout. */
  readonly tokenOnStdout?: boolean;
  /** Run as `kubectl sa …`, the real kubectl finding bin/kubectl-sa on PATH, as a user's shell would. */
  readonly throughKubectl?: boolean;
}

/** Runs `kubectl-sa` and fails the test if stderr (and stdout unless allowed) carries a token. */
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
