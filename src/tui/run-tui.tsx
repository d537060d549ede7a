import chalk from 'chalk';
import { render } from 'ink';
import type { ExplorerActions } from './explorer-actions.js';
import { Explorer } from './components/Explorer.js';
import { loadLayoutEngine } from './yoga-layout.js';

export interface TuiStreams {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WritableStream;
}

/**
 * Mounts the explorer on the terminal, in the alternate screen (the shell's screen comes back on quit, and
 * nothing the TUI showed — a revealed token — stays in the scrollback), and resolves with the exit code.
 */
export async function runTui(options: {
  readonly streams: TuiStreams;
  readonly actions: ExplorerActions;
  readonly reading: string;
  readonly namespace: string | undefined;
  readonly colour: boolean;
  readonly onFirstScreen?: (() => void) | undefined;
}): Promise<number> {
  await loadLayoutEngine();
  // Ink colours through chalk, whose own guess turns colour off wherever CI is set, even on a terminal; the
  // decision is ours (a terminal without NO_COLOR), and the palette keeps to the 16 basic colours.
  chalk.level = options.colour ? (Math.max(chalk.level, 1) as typeof chalk.level) : 0;
  let code = 0;
  const instance = render(
    <Explorer
      actions={options.actions}
      reading={options.reading}
      namespace={options.namespace}
      colour={options.colour}
      onExit={(exitCode) => {
        code = exitCode;
      }}
      onFirstScreen={options.onFirstScreen}
    />,
    {
      stdin: options.streams.stdin,
      stdout: options.streams.stdout,
      stderr: options.streams.stderr,
      alternateScreen: true,
      // Ink turns itself off in CI (is-in-ci); a terminal is a terminal, and our tests drive one in CI.
      interactive: true,
      exitOnCtrlC: false,
      patchConsole: true,
    },
  );
  await instance.waitUntilExit();
  return code;
}
