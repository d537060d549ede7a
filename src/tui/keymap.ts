/**
 * Keys → commands, and the one table the footer and the `?` help are drawn from, so what is shown is what
 * works. Actions whose use case is not available here (a token needs a live cluster) are left out of both.
 */
import type { Key } from 'ink';
import type { Action } from './explorer-state.js';

export type Command =
  | Action
  | { readonly type: 'quit' }
  | { readonly type: 'refresh' }
  | { readonly type: 'whoCan' }
  | { readonly type: 'token' }
  | { readonly type: 'fix' };

export type CommandType = Command['type'];

/** The commands of the main screen (no dialog open, no filter being typed). */
export function commandFor(input: string, key: Key): Command | undefined {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (key.upArrow || input === 'k') return { type: 'move', by: -1 };
  if (key.downArrow || input === 'j') return { type: 'move', by: 1 };
  if (key.pageUp || (key.ctrl && input === 'b') || (key.ctrl && input === 'u')) return { type: 'page', by: -1 };
  if (key.pageDown || (key.ctrl && input === 'f') || (key.ctrl && input === 'd') || input === ' ') return { type: 'page', by: 1 };
  if (key.home || input === 'g') return { type: 'edge', to: 'first' };
  if (key.end || input === 'G') return { type: 'edge', to: 'last' };
  if (key.return) return { type: 'drill' };
  if (key.escape || key.backspace || key.delete) return { type: 'back' };
  if (key.tab) return { type: 'pane', by: key.shift ? -1 : 1 };
  if (input === '[') return { type: 'tab', by: -1 };
  if (input === ']') return { type: 'tab', by: 1 };
  if (/^[1-6]$/.test(input)) return { type: 'tabAt', index: Number(input) - 1 };
  if (input === '/') return { type: 'filterStart' };
  if (input === 's') return { type: 'sort' };
  if (input === 'r') return { type: 'refresh' };
  if (input === 'q') return { type: 'quit' };
  if (input === '?') return { type: 'help' };
  if (input === 'w') return { type: 'whoCan' };
  if (input === 't') return { type: 'token' };
  if (input === 'f') return { type: 'fix' };
  return undefined;
}

/** Left and right: back and in on the lists, previous and next tab in the detail pane. */
export function sidewaysCommand(key: Key, input: string, inDetail: boolean): Command | undefined {
  const left = key.leftArrow || input === 'h';
  const right = key.rightArrow || input === 'l';
  if (!left && !right) return undefined;
  if (inDetail) return { type: 'tab', by: left ? -1 : 1 };
  return left ? { type: 'back' } : { type: 'drill' };
}

/** While a filter is typed: text goes into it; Enter keeps it, Esc drops it. */
export function filterCommandFor(input: string, key: Key): Command | undefined {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (key.return || key.downArrow || key.upArrow || key.tab) return { type: 'filterAccept' };
  if (key.escape) return { type: 'filterCancel' };
  if (key.backspace || key.delete) return { type: 'filterErase' };
  if (key.ctrl || key.meta || input === '') return undefined;
  return { type: 'filterType', text: input };
}

export interface KeyHelp {
  readonly keys: string;
  /** The footer's word for it. */
  readonly short: string;
  readonly long: string;
  /** Shown only when this action is available. */
  readonly needs?: 'token' | 'fix' | undefined;
}

export const keyHelp: readonly KeyHelp[] = [
  { keys: '↑↓ jk', short: 'move', long: 'move; PgUp/PgDn (space, ^f ^b) page; g/G or Home/End first/last' },
  { keys: '⏎', short: 'open', long: 'drill in: namespace → ServiceAccounts → details; in details, full width and back' },
  { keys: 'esc', short: 'back', long: 'back (Backspace, ← and h too); first clears the filter of the list in focus' },
  { keys: 'tab', short: 'pane', long: 'next pane (shift-tab: previous)' },
  { keys: '←→ 1-6', short: 'tabs', long: 'detail tabs: Findings, Permissions, Escalation, Workloads, Tokens, YAML ([ and ] too)' },
  {
    keys: '/',
    short: 'filter',
    long: 'filter the list in focus: words all match; name:, rule:, sev: (that severity or worse); !word negates',
  },
  { keys: 's', short: 'sort', long: 'sort the list in focus: risk, name, findings, can-become, workloads' },
  { keys: 'w', short: 'who-can', long: 'who can VERB RESOURCE[/NAME], in the selected namespace (every namespace from "all")' },
  { keys: 't', short: 'token', long: 'create a short-lived token for the selected ServiceAccount (shown masked)', needs: 'token' },
  { keys: 'f', short: 'fix', long: 'fix the selected finding: plan, diff, confirm, dry run, apply, backup', needs: 'fix' },
  { keys: 'r', short: 'refresh', long: 'read the input again and judge it again; the selection stays' },
  { keys: '?', short: 'help', long: 'this help' },
  { keys: 'q', short: 'quit', long: 'quit (ctrl-c too)' },
];

export function availableKeys(available: { readonly token: boolean; readonly fix: boolean }): readonly KeyHelp[] {
  return keyHelp.filter((entry) => entry.needs === undefined || available[entry.needs]);
}
