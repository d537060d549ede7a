import { Command } from '@oclif/core';
import type { Outcome } from '../app/outcome.js';
import type { InputOptions } from '../app/read-input.js';
import type { PrintContext, Printers } from '../report/printers.js';
import type { ClusterConnection, ClusterFlagValues } from '../sources/cluster/connect.js';
import { currentIo, wantsColour, type IoContext } from './io.js';
import { writeNotes, writeWarnings } from './notes.js';
import { flushOutput } from './closed-output.js';
import { terminalProgress } from './progress.js';

/** What every resource-reading command gets from its flags, whatever else it adds. */
export interface InputFlagValues extends ClusterFlagValues {
  readonly filename?: string[] | undefined;
  readonly 'allow-empty'?: boolean | undefined;
}

/**
 * The base of every command: flags → a use case in src/app → a printer, with the streams main() bound
 * (injected in tests), never process.stdout directly. A command's run() reads like kubectl's
 * Complete → Validate → Run, and holds no logic a TUI or a test would have to repeat.
 */
export abstract class KubectlSaCommand extends Command {
  /** The run's streams, environment and exit code. */
  protected get io(): IoContext {
    return currentIo();
  }

  /** -f and positional paths, kubectl's cluster flags and the injected stdin, as a use case's input. */
  protected inputFrom(flags: InputFlagValues, positionalPaths: readonly string[] = []): InputOptions {
    return {
      paths: [...(flags.filename ?? []), ...positionalPaths],
      cluster: flags,
      stdin: this.io.stdin,
      env: this.io.env,
      allowEmpty: flags['allow-empty'],
      progress: terminalProgress(this.io),
    };
  }

  /** Connects to the cluster of the kubeconfig, for commands that ask it rather than read it (tokens). */
  protected async connect(flags: ClusterFlagValues): Promise<ClusterConnection> {
    // The cluster client (and Node's HTTP and TLS stack under it) loads only when a command talks to a cluster.
    const { connectCluster } = await import('../sources/cluster/connect.js');
    return connectCluster(flags, this.io.env, { progress: terminalProgress(this.io) });
  }

  /** A use case's notes and warnings, to stderr, so stdout stays the answer alone. */
  protected report(outcome: Pick<Outcome<unknown>, 'notes' | 'warnings'>): void {
    writeNotes(outcome.notes, this.io.stderr, this.io.env);
    writeWarnings(outcome.warnings, this.io.stderr);
  }

  /**
   * Renders a result with the printer -o chose and writes it to stdout, a large text piece by piece as the
   * reader takes it: a pipe's writes queue in memory (the JSON of a GiB of audit log would wait there whole).
   */
  protected async print<T>(printers: Printers<T>, value: T, format: string, options: { readonly noHeaders?: boolean } = {}): Promise<void> {
    const { io } = this;
    const context: PrintContext = {
      colour: wantsColour(io),
      noHeaders: options.noHeaders ?? false,
      toolVersion: this.config.version,
      cwd: process.cwd(),
      warn: (message) => writeWarnings([{ message }], io.stderr),
    };
    if (!printers.pieces) {
      this.emit(printers.print(value, format, context));
      return;
    }
    for (const piece of printers.pieces(value, format, context)) {
      this.emit(piece);
      await flushOutput(io.stdout);
    }
  }

  /**
   * oclif's catch sets process.exitCode before rethrowing; main() maps every error to its exit code
   * instead (src/cli/handle-error.ts), and an in-process run must not change the host's exit code.
   */
  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    throw error;
  }

  /** Writes text to stdout exactly as given (renderers end their text with a newline). */
  protected emit(text: string): void {
    this.io.stdout.write(text);
  }

  /** An answer that is not success (findings at --fail-on, can-i's "no"): nothing is thrown, main() returns it. */
  protected setExitCode(code: number): void {
    this.io.exitCode = code;
  }
}
