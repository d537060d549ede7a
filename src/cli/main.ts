import { Config, Plugin, run, type Interfaces } from '@oclif/core';
import packageJson from '../../package.json' with { type: 'json' };
import { COMMANDS } from '../commands/index.js';
import { flushOutput, tolerateClosedOutput } from './closed-output.js';
import { exitCodeFor } from './handle-error.js';
import { processStreams, runWithIo, type IoStreams } from './io.js';

export interface MainOptions {
  /** The folder oclif treats as the CLI's root (the package, or the standalone binary's folder). Nothing is read from it. */
  readonly root: string;
  /** `kubectl sa` when started as a kubectl plugin, `kubectl-sa` otherwise: help and usage lines use it. */
  readonly displayName: string;
  /** The streams and environment commands use; the process' own unless a test runs the CLI in-process. */
  readonly streams?: IoStreams | undefined;
}

/** The one version of kubectl-sa: package.json's, built into the bundle and the binaries. */
export const VERSION: string = packageJson.version;

/** Runs the CLI and returns the exit code; the entry sets process.exitCode from it. */
export async function main(argv: readonly string[], options: MainOptions): Promise<number> {
  if (!options.streams) tolerateClosedOutput();
  const streams = options.streams ?? processStreams();
  return runWithIo(streams, async (io) => {
    const processExitCode = process.exitCode;
    try {
      // `kubectl sa --version` says what `kubectl sa version` says, not oclif's user-agent line.
      const args = argv[0] === '--version' ? ['version', ...argv.slice(1)] : [...argv];
      await run(args, await loadConfig(options));
      await flushOutput(io.stdout);
      // Commands set io.exitCode; a command that set process.exitCode instead is honoured, and the
      // process' own is put back so in-process runs leave no trace.
      const legacy = process.exitCode === processExitCode ? undefined : process.exitCode;
      process.exitCode = processExitCode;
      return io.exitCode ?? (typeof legacy === 'number' ? legacy : 0);
    } catch (error) {
      await flushOutput(io.stdout);
      return exitCodeFor(error, io.stderr);
    }
  });
}

/**
 * oclif's configuration without touching the disk: package.json is built in, and the root plugin gets
 * the explicit command list as it is. oclif's explicit strategy would import the list from a file, but
 * a standalone binary has no files beside it, so the plugin's command cache is filled before loading.
 */
async function loadConfig(options: MainOptions): Promise<Config> {
  const pjson = {
    ...packageJson,
    // oclif prints `$ <bin> <command>` in usage and examples; kubectl users type `kubectl sa`.
    oclif: { ...packageJson.oclif, bin: options.displayName },
  } as unknown as Interfaces.PJSON;
  const plugin = new Plugin({ root: options.root, pjson, isRoot: true, ignoreManifest: true });
  Object.assign(plugin, { commandCache: COMMANDS });
  await plugin.load();
  if (plugin.commandIDs.length !== Object.keys(COMMANDS).length) {
    throw new Error(`oclif loaded ${plugin.commandIDs.length} of ${Object.keys(COMMANDS).length} commands: its explicit strategy changed`);
  }
  return Config.load({ root: options.root, pjson, plugins: new Map([[plugin.name, plugin]]) });
}
