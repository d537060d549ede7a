import { Config, run, type Interfaces } from '@oclif/core';
import packageJson from '../../package.json' with { type: 'json' };
import { flushOutput, tolerateClosedOutput } from './closed-output.js';
import { CommandListPlugin, commandManifest } from './command-plugin.js';
import { commandWordsFirst } from './command-words-first.js';
import { exitCodeFor } from './handle-error.js';
import { raiseTurbofanBudget } from './optimizing-compiler.js';
import { processStreams, runWithIo, type IoStreams } from './io.js';

export interface MainOptions {
  /** The folder oclif treats as the CLI's root (the package, or the standalone binary's folder). Nothing is read from it. */
  readonly root: string;
  /**
   * `kubectl sa` when started as a kubectl plugin, `kubectl-sa` otherwise: help and usage lines use it. By
   * default KUBECTL_SA_DISPLAY_NAME's (`node bin/run.js` sets `kubectl-sa`), else `kubectl sa`.
   */
  readonly displayName?: string | undefined;
  /** The streams and environment commands use; the process' own unless a test runs the CLI in-process. */
  readonly streams?: IoStreams | undefined;
}

/** The one version of kubectl-sa: package.json's, built into the bundle and the binaries. */
export const VERSION: string = packageJson.version;

/**
 * Runs the CLI as this process: its arguments and streams, its exit code. What the entries call: the bundle's
 * (src/cli/entry.ts) and the standalone binary's (src/cli/sea-main.ts).
 */
export function runAsProgram(root: string): void {
  // This process is a kubectl-sa command, a run of seconds: see optimizing-compiler.ts. (In-process runs through
  // main(), tests and the code cache's training run, leave V8's flags alone.)
  raiseTurbofanBudget();
  // No top-level await in the entries: Node warns about an "unsettled top-level await" when a pipe closes early.
  void main(process.argv.slice(2), { root }).then((code) => {
    process.exitCode = code;
  });
}

/**
 * V8's flags as a start has them before the program runs (heap-growth.ts' back at V8's defaults; the TurboFan budget,
 * which the npm route sets before it loads the program, stays): what the npm route calls before it makes a code
 * cache at exit (npm-main.ts).
 */
export { heapFlagsToDefaults as v8FlagsAsAtStart } from '../sources/heap-growth.js';

/** Runs the CLI and returns the exit code. */
export async function main(argv: readonly string[], options: MainOptions): Promise<number> {
  if (!options.streams) tolerateClosedOutput();
  const streams = options.streams ?? processStreams();
  const displayName = options.displayName ?? (streams.env.KUBECTL_SA_DISPLAY_NAME || 'kubectl sa');
  return runWithIo(streams, async (io) => {
    const processExitCode = process.exitCode;
    try {
      // `kubectl sa --version` says what `kubectl sa version` says, not oclif's user-agent line.
      const args = argv[0] === '--version' ? ['version', ...argv.slice(1)] : opensTui(argv, io.stdout) ? ['tui', ...argv] : [...argv];
      const config = await loadConfig(options.root, displayName);
      await run(commandWordsFirst(args, config.commands), config);
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

/** The commands' manifest, embedded by the build (scripts/build.ts); undefined when running from the sources. */
declare const KUBECTL_SA_COMMAND_MANIFEST: string | undefined;

/**
 * `kubectl sa` alone on a terminal opens the TUI, and so does `kubectl sa -n team` or `kubectl sa -f k8s/` (flags
 * but no command: k9s's habit). Piped, or with -h/--help first, it stays oclif's help, as before.
 */
function opensTui(argv: readonly string[], stdout: IoStreams['stdout']): boolean {
  if (!stdout.isTTY) return false;
  const first = argv[0];
  return first === undefined || (first.startsWith('-') && first !== '-h' && first !== '--help');
}

/**
 * oclif's configuration without touching the disk: package.json is built in, and the root plugin is the
 * explicit command list, each command loaded only when it runs (src/cli/command-plugin.ts).
 */
async function loadConfig(root: string, displayName: string): Promise<Config> {
  const pjson = {
    ...packageJson,
    // oclif prints `$ <bin> <command>` in usage and examples; kubectl users type `kubectl sa`.
    oclif: { ...packageJson.oclif, bin: displayName },
  } as unknown as Interfaces.PJSON;
  const manifest =
    typeof KUBECTL_SA_COMMAND_MANIFEST === 'undefined'
      ? await commandManifest(pjson, root)
      : (JSON.parse(KUBECTL_SA_COMMAND_MANIFEST) as Interfaces.Manifest);
  const plugin = new CommandListPlugin(pjson, root, manifest);
  return Config.load({ root, pjson, plugins: new Map([[plugin.name, plugin]]) });
}
