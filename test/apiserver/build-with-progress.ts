import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface BuildProgressOptions {
  /** Where progress lines go; the build's own output is passed through to the process' stdout and stderr. */
  readonly out?: NodeJS.WritableStream;
  /** How often a silent build says it is still at work. */
  readonly intervalMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs the harness build (scripts/build.sh), passing its output through, and every half minute says that it
 * is still building and for how long: `go build` is silent for minutes on a cold machine, which looked like a
 * hang. Resolves when the build succeeds; rejects with the command and its exit code when it fails.
 */
export function buildWithProgress(command: string, args: readonly string[], options: BuildProgressOptions = {}): Promise<void> {
  const out = options.out ?? process.stdout;
  const intervalMs = options.intervalMs ?? 30_000;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['ignore', 'inherit', 'inherit'], env: options.env ?? process.env });
    const timer = setInterval(() => {
      out.write(
        `test/apiserver: still building (${elapsed(Date.now() - started)}; a first build takes 6–12 minutes, later ones are no-ops)\n`,
      );
    }, intervalMs);
    const done = (error?: Error) => {
      clearInterval(timer);
      if (error) reject(error);
      else resolve();
    };
    child.on('error', (error) => done(new Error(`cannot run ${command}: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) done();
      else done(new Error(`${[command, ...args].join(' ')} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
    });
  });
}

function elapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

/**
 * The live tests build a real kube-apiserver from Go modules: without Go that fails deep in a shell script.
 * Says so first, and what to run instead. Looks where build.sh looks: PATH, then /usr/local/go/bin.
 */
export function requireGo(env: NodeJS.ProcessEnv = process.env, alsoIn: readonly string[] = ['/usr/local/go/bin']): void {
  const folders = [...(env.PATH ?? '').split(path.delimiter), ...alsoIn].filter(Boolean);
  for (const folder of folders) {
    try {
      accessSync(path.join(folder, 'go'), constants.X_OK);
      return;
    } catch {
      // not in this folder
    }
  }
  throw new Error(
    'the live tests build a real kube-apiserver with Go, and no `go` is on PATH or in /usr/local/go/bin: install Go ' +
      '(go.mod asks for 1.26; Go ≥ 1.21 downloads it by itself through the Go module proxy), ' +
      'or run only the unit tests with `npx vitest run --project unit`',
  );
}
