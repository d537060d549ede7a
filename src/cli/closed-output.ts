import { Writable } from 'node:stream';

/**
 * A reader that stops early (`kubectl sa matrix … -o json | head`) closes our stdout, and every later write
 * fails with EPIPE. The answer was already computed, so the rest of the output is dropped silently and the
 * exit code stays the command's own (a CI step with `set -o pipefail` still sees findings as 1).
 */
const closedPipe = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

export function tolerateClosedOutput(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (!closedPipe.has(error.code ?? '')) throw error;
    });
  }
}

/**
 * Waits until stdout has handed everything to the OS, or has failed: oclif's flush() waits for a 'drain' that
 * a closed pipe never emits, and Node then exits mid-await with an "unsettled top-level await" warning.
 */
export async function flushOutput(stream: NodeJS.WritableStream | Writable): Promise<void> {
  if (!(stream instanceof Writable) || stream.destroyed || stream.errored !== null || !stream.writableNeedDrain) return;
  // Called after every piece of a large answer: the listeners go with the wait, or they would pile up.
  await new Promise<void>((resolve) => {
    const done = () => {
      for (const event of ['drain', 'error', 'close']) stream.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'error', 'close']) stream.on(event, done);
  });
}
