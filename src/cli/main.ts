import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { flush, run, type Interfaces } from '@oclif/core';
import { exitCodeFor } from './handle-error.js';

export interface MainOptions {
  /** The package root (where package.json is), so oclif finds the compiled commands. */
  readonly root: string;
  /** `kubectl sa` when started as a kubectl plugin, `kubectl-sa` otherwise: help and usage lines use it. */
  readonly displayName: string;
}

/** Runs the CLI and returns the exit code; the bin scripts set process.exitCode from it. */
export async function main(argv: readonly string[], options: MainOptions): Promise<number> {
  try {
    const pjson = JSON.parse(await readFile(path.join(options.root, 'package.json'), 'utf8')) as Interfaces.PJSON;
    // oclif prints `$ <bin> <command>` in usage and examples; kubectl users type `kubectl sa`.
    pjson.oclif = { ...pjson.oclif, bin: options.displayName };
    await run([...argv], { root: options.root, pjson });
    await flush();
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    await flush().catch(() => undefined);
    return exitCodeFor(error, process.stderr);
  }
}
