/**
 * The explorer's navigation as a pure state machine: which pane has focus, what is selected (by key, so a
 * filter, a sort or a reload keeps the selection), the detail tab, filters and sorts. The container hands it
 * the facts of the current screen (the visible lists and page heights); nothing here knows about Ink.
 */
import { detailTabs, type DetailTab } from './detail-content.js';
import { namespaceSorts, nextSort, serviceAccountSorts, type NamespaceSort, type ServiceAccountSort } from './list-query.js';

export const panes = ['namespaces', 'accounts', 'detail'] as const;
export type PaneId = (typeof panes)[number];
/** The lists a `/` filter applies to: the two panes' lists and the Findings tab's. */
export type ListId = 'namespaces' | 'accounts' | 'findings';

export interface ExplorerState {
  readonly focus: PaneId;
  readonly namespaceKey: string;
  /** undefined: the first row of the list. */
  readonly accountKey: string | undefined;
  readonly tab: DetailTab;
  /** The selected finding in the Findings tab (an index into its filtered list). */
  readonly findingIndex: number;
  /** The first line shown of a text tab. */
  readonly detailScroll: number;
  /** The detail pane alone, full width. */
  readonly zoom: boolean;
  readonly filters: Readonly<Record<ListId, string>>;
  /** The list whose filter is being typed. */
  readonly editing: ListId | undefined;
  readonly namespaceSort: NamespaceSort;
  readonly accountSort: ServiceAccountSort;
  readonly help: boolean;
}

/** What the state machine must know of the current screen. */
export interface ViewFacts {
  readonly namespaceKeys: readonly string[];
  readonly accountKeys: readonly string[];
  readonly findingCount: number;
  readonly detailLineCount: number;
  /** Rows a list pane shows, and lines the detail pane shows (a page). */
  readonly listHeight: number;
  readonly detailHeight: number;
}

export type Action =
  | { readonly type: 'move'; readonly by: number }
  | { readonly type: 'page'; readonly by: 1 | -1 }
  | { readonly type: 'edge'; readonly to: 'first' | 'last' }
  | { readonly type: 'drill' }
  | { readonly type: 'back' }
  | { readonly type: 'pane'; readonly by: 1 | -1 }
  | { readonly type: 'tab'; readonly by: 1 | -1 }
  | { readonly type: 'tabAt'; readonly index: number }
  | { readonly type: 'filterStart' }
  | { readonly type: 'filterType'; readonly text: string }
  | { readonly type: 'filterErase' }
  | { readonly type: 'filterAccept' }
  | { readonly type: 'filterCancel' }
  | { readonly type: 'sort' }
  | { readonly type: 'help' }
  | { readonly type: 'show'; readonly namespaceKey: string; readonly accountKey: string };

export function initialState(options: { readonly namespaceKey: string }): ExplorerState {
  return {
    focus: 'accounts',
    namespaceKey: options.namespaceKey,
    accountKey: undefined,
    tab: 'findings',
    findingIndex: 0,
    detailScroll: 0,
    zoom: false,
    filters: { namespaces: '', accounts: '', findings: '' },
    editing: undefined,
    namespaceSort: 'name',
    accountSort: 'risk',
    help: false,
  };
}

/** The account the detail pane shows: the selected key when it is listed, else the first listed. */
export function selectedAccount(state: ExplorerState, facts: Pick<ViewFacts, 'accountKeys'>): string | undefined {
  return state.accountKey !== undefined && facts.accountKeys.includes(state.accountKey) ? state.accountKey : facts.accountKeys[0];
}

/** The list a `/` typed now would filter: none on a text tab. */
export function filterTarget(state: ExplorerState): ListId | undefined {
  if (state.focus === 'namespaces') return 'namespaces';
  if (state.focus === 'accounts') return 'accounts';
  return state.tab === 'findings' ? 'findings' : undefined;
}

export function reduce(state: ExplorerState, action: Action, facts: ViewFacts): ExplorerState {
  switch (action.type) {
    case 'move':
      return move(state, action.by, facts);
    case 'page':
      return move(state, action.by * pageOf(state, facts), facts);
    case 'edge':
      return move(state, action.to === 'first' ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER, facts);
    case 'drill':
      if (state.focus === 'namespaces') return { ...state, focus: 'accounts' };
      if (state.focus === 'accounts') return facts.accountKeys.length > 0 ? { ...state, focus: 'detail' } : state;
      return { ...state, zoom: !state.zoom };
    case 'back': {
      // Like k9s: Esc first clears the filter of the list in focus, then goes back.
      const target = filterTarget(state);
      if (target !== undefined && state.filters[target] !== '')
        return resetAfterFilter({ ...state, filters: { ...state.filters, [target]: '' } }, target);
      if (state.zoom) return { ...state, zoom: false };
      if (state.focus === 'detail') return { ...state, focus: 'accounts' };
      if (state.focus === 'accounts') return { ...state, focus: 'namespaces' };
      return state;
    }
    case 'pane': {
      const next = panes[(panes.indexOf(state.focus) + action.by + panes.length) % panes.length] ?? state.focus;
      return { ...state, focus: next, zoom: next === 'detail' ? state.zoom : false };
    }
    case 'tab':
      return withTab(state, detailTabs[(detailTabs.indexOf(state.tab) + action.by + detailTabs.length) % detailTabs.length]);
    case 'tabAt':
      return withTab(state, detailTabs[action.index]);
    case 'filterStart': {
      const target = filterTarget(state);
      return target ? { ...state, editing: target } : state;
    }
    case 'filterType':
      return state.editing
        ? resetAfterFilter(
            { ...state, filters: { ...state.filters, [state.editing]: state.filters[state.editing] + action.text } },
            state.editing,
          )
        : state;
    case 'filterErase':
      return state.editing
        ? resetAfterFilter(
            { ...state, filters: { ...state.filters, [state.editing]: state.filters[state.editing].slice(0, -1) } },
            state.editing,
          )
        : state;
    case 'filterAccept':
      return { ...state, editing: undefined };
    case 'filterCancel':
      return state.editing
        ? resetAfterFilter({ ...state, editing: undefined, filters: { ...state.filters, [state.editing]: '' } }, state.editing)
        : state;
    case 'sort':
      if (state.focus === 'namespaces') return { ...state, namespaceSort: nextSort(namespaceSorts, state.namespaceSort) };
      if (state.focus === 'accounts') return { ...state, accountSort: nextSort(serviceAccountSorts, state.accountSort) };
      return state;
    case 'help':
      return { ...state, help: !state.help };
    case 'show':
      return {
        ...state,
        namespaceKey: action.namespaceKey,
        accountKey: action.accountKey,
        focus: 'detail',
        findingIndex: 0,
        detailScroll: 0,
        filters: { ...state.filters, accounts: '', findings: '' },
      };
  }
}

function withTab(state: ExplorerState, tab: DetailTab | undefined): ExplorerState {
  return tab === undefined || tab === state.tab ? state : { ...state, tab, detailScroll: 0, findingIndex: 0 };
}

function resetAfterFilter(state: ExplorerState, list: ListId): ExplorerState {
  return list === 'findings' ? { ...state, findingIndex: 0 } : state;
}

function pageOf(state: ExplorerState, facts: ViewFacts): number {
  return Math.max(1, (state.focus === 'detail' ? facts.detailHeight : facts.listHeight) - 1);
}

function move(state: ExplorerState, by: number, facts: ViewFacts): ExplorerState {
  if (state.focus === 'namespaces') {
    const key = step(facts.namespaceKeys, state.namespaceKey, by);
    return key === state.namespaceKey ? state : { ...state, namespaceKey: key ?? state.namespaceKey, findingIndex: 0, detailScroll: 0 };
  }
  if (state.focus === 'accounts') {
    const key = step(facts.accountKeys, selectedAccount(state, facts), by);
    return key === selectedAccount(state, facts) ? state : { ...state, accountKey: key, findingIndex: 0, detailScroll: 0 };
  }
  if (state.tab === 'findings') return { ...state, findingIndex: clamp(state.findingIndex + by, 0, facts.findingCount - 1) };
  return { ...state, detailScroll: clamp(state.detailScroll + by, 0, facts.detailLineCount - facts.detailHeight) };
}

function step(keys: readonly string[], current: string | undefined, by: number): string | undefined {
  if (keys.length === 0) return current;
  const at = Math.max(0, current === undefined ? 0 : keys.indexOf(current));
  return keys[clamp(at + by, 0, keys.length - 1)];
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high < low ? low : high, value));
}
