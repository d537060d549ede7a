import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { explore, type Exploration, type ExploreStage } from '../../src/app/explore.js';
import type { Outcome } from '../../src/app/outcome.js';
import { planFindingFixes } from '../../src/app/fix.js';
import { dryRunFixPlan } from '../../src/app/fix-apply.js';
import { whoCanIn } from '../../src/app/who-can.js';
import { Explorer } from '../../src/tui/components/Explorer.js';
import type { ExplorerActions } from '../../src/tui/explorer-actions.js';
import type { TerminalSize } from '../../src/tui/layout.js';
import { repoRoot } from '../helpers/cli.js';

/** A fixed "now", so ages (a legacy token last used 686 days ago) do not move between runs. */
export const now = new Date('2026-12-01T12:00:00Z');

export const examples = path.join(repoRoot, 'examples');

/** The explore use case over files, exactly as `kubectl sa -f PATHS` loads them. */
export function exploreFiles(...paths: string[]): Promise<Outcome<Exploration>> {
  return explore({
    input: { paths, cluster: {} },
    policies: { paths: [], includeBuiltIn: true, onlyPacks: [], skipRules: [] },
    now,
    defaultRbac: true,
  });
}

/** Explores YAML written by a test (in a temporary file). */
export async function exploreYaml(yaml: string): Promise<Outcome<Exploration>> {
  const folder = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-tui-'));
  try {
    writeFileSync(path.join(folder, 'input.yaml'), yaml);
    return await exploreFiles(path.join(folder, 'input.yaml'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Keys as a terminal sends them. */
export const keys = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  pageDown: '\u001B[6~',
} as const;

export interface Driven {
  readonly frame: () => string;
  readonly press: (...sequence: string[]) => Promise<void>;
  readonly type: (text: string) => Promise<void>;
  readonly waitFor: (text: string | RegExp, timeoutMs?: number) => Promise<string>;
  readonly exitCode: () => number | undefined;
  readonly resize: (size: TerminalSize) => void;
  /** Presses `key` until `done` holds for the screen (at most `limit` times). */
  readonly pressUntil: (key: string, done: (screen: string) => boolean, limit?: number) => Promise<void>;
  readonly unmount: () => void;
}

/**
 * Renders the explorer with ink-testing-library: real use cases over real input (the load, who-can), with
 * the actions a test wants to watch (token creation, the clipboard) replaced.
 */
export function renderExplorer(options: {
  readonly load: (onStage: (stage: ExploreStage) => void) => Promise<Outcome<Exploration>>;
  readonly size?: TerminalSize;
  readonly colour?: boolean;
  readonly namespace?: string;
  readonly actions?: Partial<ExplorerActions>;
}): Driven {
  let exitCode: number | undefined;
  const actions: ExplorerActions = {
    load: (onStage) => options.load(onStage),
    whoCan: (exploration, query) => whoCanIn(exploration, query),
    createToken: () => Promise.reject(new Error('no cluster in this test')),
    copy: () => Promise.reject(new Error('no clipboard in this test')),
    planFix: (exploration, findings) => planFindingFixes(exploration, findings),
    dryRunFix: (plan) => dryRunFixPlan(plan),
    applyFix: () => Promise.reject(new Error('nothing is written in this test')),
    ...options.actions,
  };
  const instance = render(
    <Explorer
      actions={actions}
      reading="examples/"
      namespace={options.namespace}
      colour={options.colour ?? false}
      onExit={(code) => {
        exitCode = code;
      }}
    />,
  );
  // ink-testing-library's terminal is 100 columns and has no rows; give it a size and tell Ink, as a terminal
  // does when it is resized (SIGWINCH → 'resize'): the explorer reads its size the way it does in a terminal.
  const resize = (size: TerminalSize) => {
    Object.defineProperty(instance.stdout, 'columns', { value: size.columns, configurable: true });
    Object.defineProperty(instance.stdout, 'rows', { value: size.rows, configurable: true });
    instance.stdout.emit('resize');
  };
  resize(options.size ?? { columns: 160, rows: 30 });
  const frame = () => instance.lastFrame() ?? '';
  const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
  return {
    frame,
    press: async (...sequence) => {
      for (const key of sequence) {
        instance.stdin.write(key);
        await settle();
      }
    },
    type: async (text) => {
      for (const character of text) {
        instance.stdin.write(character);
        await settle();
      }
    },
    waitFor: async (text, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = frame();
        if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
        if (Date.now() > deadline) throw new Error(`the screen never showed ${String(text)}; it shows:\n${current}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    exitCode: () => exitCode,
    resize,
    pressUntil: async (key, done, limit = 60) => {
      for (let presses = 0; !done(frame()); presses++) {
        if (presses >= limit) throw new Error(`pressed ${JSON.stringify(key)} ${limit} times and the screen never got there:\n${frame()}`);
        instance.stdin.write(key);
        await settle();
      }
    },
    unmount: () => instance.unmount(),
  };
}

/** The line of the screen that holds `text` (the first). */
export function lineWith(screen: string, text: string): string {
  return screen.split('\n').find((line) => line.includes(text)) ?? '';
}

/**
 * The text inside one pane of the screen, found by its title in the top border: each line cut to the pane's
 * columns, so rows of panes side by side are not mixed up.
 */
export function pane(screen: string, title: string): string {
  const lines = screen.split('\n');
  const top = lines.findIndex((line) => line.includes(`─ ${title}`) || line.includes(`═ ${title}`));
  if (top === -1) return '';
  const at = Math.max(lines[top]!.indexOf(`─ ${title}`), lines[top]!.indexOf(`═ ${title}`));
  const left = Math.max(lines[top]!.lastIndexOf('┌', at), lines[top]!.lastIndexOf('╔', at));
  const right =
    [lines[top]!.indexOf('┐', at), lines[top]!.indexOf('╗', at)].filter((index) => index !== -1).sort((a, b) => a - b)[0] ??
    lines[top]!.length;
  const inside: string[] = [];
  for (const line of lines.slice(top + 1)) {
    const cut = line.slice(left + 1, right);
    if (/^[─═]+$/.test(cut) || line[left] === '└' || line[left] === '╚') break;
    inside.push(cut);
  }
  return inside.join('\n');
}

/** The selected row of a pane: the line that starts with ›. */
export function selectedIn(screen: string, title: string): string {
  return (
    pane(screen, title)
      .split('\n')
      .find((line) => line.startsWith('›')) ?? ''
  );
}

/** A pane's text as one line of words: prose wrapped over several rows reads as written. */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}
