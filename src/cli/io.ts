import { AsyncLocalStorage } from 'node:async_hooks';
import type { Readable } from 'node:stream';

/**
 * The streams and environment a command talks to, like kubectl's genericiooptions.IOStreams. main()
 * binds them for one run, so the same command writes to the terminal when run as a program and to
 * buffers when a test runs it in-process; nothing below the commands touches process.stdout/stderr.
 */
export interface IoStreams {
  readonly stdin: Readable;
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

/** One run's streams plus the exit code its command chose (1 for findings or "no"; errors carry their own). */
export interface IoContext extends IoStreams {
  exitCode: number | undefined;
}

// One store per process, even when this module is loaded twice (a test runner's module graph beside the
// commands oclif imports natively): a second instance would not see the streams main() bound.
const storeKey = Symbol.for('kubectl-sa.io-context');
const globalStore = globalThis as { [storeKey]?: AsyncLocalStorage<IoContext> };
const current = (globalStore[storeKey] ??= new AsyncLocalStorage<IoContext>());

/**
 * The process' own streams. stdin is asked of the process only when a command reads it: Node makes process.stdin at
 * its first read, a file stream, a terminal or a socket, and with it Node's modules for that kind (a file's loads
 * node:fs/promises, readline and fs watchers): work and page faults for a `version` or `--help`, which read no input.
 */
export function processStreams(): IoStreams {
  return {
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  };
}

/** The streams with an exit code, their getters kept (a spread would read them, and make process.stdin). */
function contextOf(streams: IoStreams): IoContext {
  return Object.defineProperties(
    { exitCode: undefined } as { exitCode: number | undefined },
    Object.getOwnPropertyDescriptors(streams),
  ) as IoContext;
}

/** Runs `body` with `streams` bound as the current IO (AsyncLocalStorage: concurrent runs do not mix). */
export function runWithIo<T>(streams: IoStreams, body: (context: IoContext) => Promise<T>): Promise<T> {
  const context = contextOf(streams);
  return current.run(context, () => body(context));
}

let processContext: IoContext | undefined;

/** The IO bound by main(), or the process' own when a command runs outside it (oclif's own runner). */
export function currentIo(): IoContext {
  const bound = current.getStore();
  if (bound) return bound;
  processContext ??= contextOf(processStreams());
  return processContext;
}

/** Colour only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function wantsColour(io: IoStreams): boolean {
  return Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
}
