import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './cli.js';

/**
 * A real terminal for end-to-end tests of the TUI: a tmux server of the test's own (its own socket, no user
 * configuration), one window of a given size running a command, keys sent with `send-keys` and the screen
 * read with `capture-pane`, as a user's terminal would show it.
 *
 * The command runs under a shell that stays after it and writes its exit status to a file: tmux's own
 * record of a dead pane's status is not reliable (tmux 3.3 can miss the SIGCHLD and leave the process a
 * zombie), and the shell prints nothing, so the screen after exit is what the command left.
 */
export class TmuxTerminal {
  private constructor(
    private readonly socket: string,
    readonly session: string,
    private readonly scratch: string,
  ) {}

  /**
   * Starts `command` (run by sh in the repository, with bin/ first on PATH so `kubectl sa` finds the plugin)
   * in a `columns`×`rows` window.
   */
  static async start(
    command: string,
    options: { readonly columns?: number; readonly rows?: number; readonly env?: Readonly<Record<string, string>> } = {},
  ): Promise<TmuxTerminal> {
    const scratch = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-tmux-'));
    const terminal = new TmuxTerminal(`kubectl-sa-test-${randomBytes(4).toString('hex')}`, 'tui', scratch);
    const env = { PATH: `${path.join(repoRoot, 'bin')}:${process.env.PATH ?? ''}`, TERM: 'xterm-256color', ...options.env };
    // Exported in the command: tmux runs it through the user's shell, whose start-up files may reset PATH.
    const exports = Object.entries(env)
      .map(([name, value]) => `export ${name}=${shellQuote(value)}; `)
      .join('');
    const status = shellQuote(terminal.statusFile);
    await terminal.tmux(
      'new-session',
      '-d',
      '-s',
      terminal.session,
      '-x',
      String(options.columns ?? 160),
      '-y',
      String(options.rows ?? 40),
      `${exports}cd ${shellQuote(repoRoot)} && ${command}; echo "$?" > ${status}.part && mv ${status}.part ${status}; exec sleep 86400`,
    );
    return terminal;
  }

  private get statusFile(): string {
    return path.join(this.scratch, 'status');
  }

  /** Keys as tmux names them (`Enter`, `Escape`, `Down`, `Tab`, `C-c`) or single characters. */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.tmux('send-keys', '-t', this.session, key);
      await pause(150);
    }
  }

  /** Text typed character by character (send-keys -l: no key names). */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', this.session, '-l', text);
    await pause(200);
  }

  /** The screen as text; with `escapes`, with its colours and attributes as SGR sequences. */
  async screen(options: { readonly escapes?: boolean } = {}): Promise<string> {
    return this.tmux('capture-pane', '-p', ...(options.escapes ? ['-e'] : []), '-t', this.session);
  }

  async waitFor(expected: string | RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      if (typeof expected === 'string' ? screen.includes(expected) : expected.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${String(expected)}; it shows:\n${screen}`);
      await pause(200);
    }
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', this.session, '-x', String(columns), '-y', String(rows));
    await pause(300);
  }

  /** The command's exit status once it has exited; waits for it. */
  async exitStatus(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = readStatus(this.statusFile);
      if (status !== undefined) return status;
      if (Date.now() > deadline) throw new Error(`the command is still running:\n${await this.screen()}`);
      await pause(200);
    }
  }

  async close(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
    rmSync(this.scratch, { recursive: true, force: true });
  }

  private tmux(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], (error, stdout, stderr) => {
        if (error) reject(new Error(`tmux ${args[0]}: ${stderr || error.message}`));
        else resolve(stdout);
      });
    });
  }
}

function readStatus(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
