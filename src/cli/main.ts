import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { flush, run, type Interfaces } from '@oclif/core';
import { exitCodeFor } from './handle-error.js';
import { processStreams, runWithIo, type IoStreams } from './io.js';

export interface MainOptions {
  /** The package root (where package.json is), so oclif finds the compiled commands. */
  readonly root: string;
  /** `kubectl sa` when started as a kubectl plugin, `kubectl-sa` otherwise: help and usage lines use it. */
  readonly displayName: string;
  /** The streams and environment commands use; the process' own unless a test runs the CLI in-process. */
  readonly streams?: IoStreams | undefined;
}

/** Runs the CLI and returns the exit code; the bin scripts set process.exitCode from it. */
export async function main(argv: readonly string[], options: MainOptions): Promise<number> {
  const streams = options.streams ?? processStreams();
  return runWithIo(streams, async (io) => {
    const processExitCode = process.exitCode;
    try {
      const pjson = JSON.parse(await readFile(path.join(options.root, 'package.json'), 'utf8')) as Interfaces.PJSON;
      // oclif prints `$ <bin> <command>` in usage and examples; kubectl users type `kubectl sa`.
      pjson.oclif = { ...pjson.oclif, bin: options.displayName };
      await run([...argv], { root: options.root, pjson });
      await flush();
      // Commands set io.exitCode; a command that set process.exitCode instead is honoured, and the
      // process' own is put back so in-process runs leave no trace.
      const legacy = process.exitCode === processExitCode ? undefined : process.exitCode;
      process.exitCode = processExitCode;
      return io.exitCode ?? (typeof legacy === 'number' ? legacy : 0);
    } catch (error) {
      await flush().catch(() => undefined);
      return exitCodeFor(error, io.stderr);
    }
  });
}
