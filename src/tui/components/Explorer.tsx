import { Box, useApp, useInput, useWindowSize } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Exploration, ExploreStage } from '../../app/explore.js';
import type { Outcome } from '../../app/outcome.js';
import type { Finding } from '../../policy/finding.js';
import { tabLines, type DetailContext } from '../detail-content.js';
import type { ExplorerActions } from '../explorer-actions.js';
import { allNamespacesKey, buildExplorerData, clusterScopedKey, rowKey, rowLabel, type ExplorerData } from '../explorer-data.js';
import { filterTarget, initialState, reduce, selectedAccount, type Action, type ExplorerState, type ViewFacts } from '../explorer-state.js';
import { commandFor, filterCommandFor, sidewaysCommand, type Command } from '../keymap.js';
import { layoutFor, minimumSize } from '../layout.js';
import { compileFilter, isEmptyFilter, serviceAccountFilterable, sortNamespaces, sortServiceAccounts } from '../list-query.js';
import { paletteFor } from '../palette.js';
import { wrap } from '../text-lines.js';
import { AccountPane, NamespacePane } from './ListPanes.js';
import { DetailPane } from './DetailPane.js';
import { ErrorScreen } from './ErrorScreen.js';
import { FixDialog } from './FixDialog.js';
import { Footer } from './Footer.js';
import { describeSource, Header } from './Header.js';
import { HelpScreen, helpLines } from './HelpScreen.js';
import { LoadingScreen } from './LoadingScreen.js';
import { StyledLine } from './StyledLine.js';
import { TokenDialog } from './TokenDialog.js';
import { WhoCanDialog } from './WhoCanDialog.js';

export interface ExplorerProps {
  readonly actions: ExplorerActions;
  /** What is being read, for the loading screen: "the cluster of context x", "examples/". */
  readonly reading: string;
  /** The namespace to select first (-n); all namespaces otherwise. */
  readonly namespace?: string | undefined;
  readonly colour: boolean;
  /** Called once, when the user quits: the exit code (the load error's when nothing could be shown). */
  readonly onExit: (code: number) => void;
  /** Told when the first screen with data has been committed (the bench measures it). */
  readonly onFirstScreen?: (() => void) | undefined;
}

type Phase =
  | { readonly kind: 'loading'; readonly stage: ExploreStage; readonly startedAt: number }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'ready'; readonly outcome: Outcome<Exploration>; readonly data: ExplorerData };

type Dialog =
  | { readonly kind: 'whoCan' }
  | { readonly kind: 'token'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'fix'; readonly finding: Finding };

/**
 * The interactive `kubectl sa`: namespaces → ServiceAccounts → details, over one Exploration. A stateful
 * container; the panes are presentational. Everything it shows comes from use cases through `actions`.
 */
export function Explorer(props: ExplorerProps) {
  const { actions } = props;
  const app = useApp();
  const size = useWindowSize();
  const palette = useMemo(() => paletteFor(props.colour), [props.colour]);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading', stage: 'packs', startedAt: Date.now() });
  const [refreshing, setRefreshing] = useState(false);
  const [state, setState] = useState<ExplorerState>(() => initialState({ namespaceKey: props.namespace ?? allNamespacesKey }));
  const [dialog, setDialog] = useState<Dialog | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [helpScroll, setHelpScroll] = useState(0);
  const exited = useRef(false);
  const firstScreen = useRef(false);

  const quit = useCallback(
    (code: number) => {
      if (exited.current) return;
      exited.current = true;
      props.onExit(code);
      app.exit();
    },
    [app, props],
  );

  const load = useCallback(
    (keepShowing: boolean) => {
      if (keepShowing) setRefreshing(true);
      else setPhase({ kind: 'loading', stage: 'packs', startedAt: Date.now() });
      actions
        .load((stage) => {
          if (!keepShowing) setPhase((current) => (current.kind === 'loading' ? { ...current, stage } : current));
        })
        .then(
          (outcome) => {
            setPhase({ kind: 'ready', outcome, data: buildExplorerData(outcome.data) });
            if (keepShowing) setMessage('refreshed: read and judged again');
          },
          (error: unknown) => {
            if (keepShowing) setMessage(`refresh failed: ${error instanceof Error ? error.message : String(error)}`);
            else setPhase({ kind: 'error', error });
          },
        )
        .finally(() => setRefreshing(false));
    },
    [actions],
  );

  useEffect(() => load(false), [load]);
  useEffect(() => {
    if (!message) return undefined;
    const timer = setTimeout(() => setMessage(undefined), 6000);
    return () => clearTimeout(timer);
  }, [message]);

  const ready = phase.kind === 'ready' ? phase : undefined;
  const exploration = ready?.outcome.data;
  const data = ready?.data;
  const available = { token: exploration?.connection !== undefined, fix: exploration !== undefined };

  // The lists as shown: filtered, then sorted. Recomputed only when their inputs change, not per keystroke.
  const namespaceRows = useMemo(() => {
    if (!data) return [];
    const test = compileFilter(state.filters.namespaces);
    // No filter, no pass over the findings: the first screen of 10,000 accounts shows them unfiltered.
    const kept = isEmptyFilter(state.filters.namespaces)
      ? data.namespaces
      : data.namespaces.filter(
          (row) =>
            row.kind === 'all' ||
            test({ names: [row.label], findings: (data.rowsByNamespace.get(row.key) ?? []).flatMap((account) => account.findings) }),
        );
    return sortNamespaces(kept, state.namespaceSort);
  }, [data, state.filters.namespaces, state.namespaceSort]);
  const namespaceKey = namespaceRows.some((row) => row.key === state.namespaceKey)
    ? state.namespaceKey
    : (namespaceRows[0]?.key ?? allNamespacesKey);
  const allAccounts = useMemo(() => data?.rowsByNamespace.get(namespaceKey) ?? [], [data, namespaceKey]);
  const accountRows = useMemo(() => {
    const test = compileFilter(state.filters.accounts);
    return sortServiceAccounts(
      isEmptyFilter(state.filters.accounts) ? allAccounts : allAccounts.filter((row) => test(serviceAccountFilterable(row, rowLabel(row)))),
      state.accountSort,
    );
  }, [allAccounts, state.filters.accounts, state.accountSort]);
  const accountKeys = useMemo(() => accountRows.map((row) => row.key), [accountRows]);
  const accountKey = selectedAccount(state, { accountKeys });
  const row = accountKey === undefined ? undefined : data?.rowsByKey.get(accountKey);
  const findings = useMemo(() => {
    if (!row) return [];
    const test = compileFilter(state.filters.findings);
    return row.findings.filter((finding) => test({ names: [finding.ruleId, finding.message, finding.object.name], findings: [finding] }));
  }, [row, state.filters.findings]);

  const showWarningLine = Boolean(
    ready && (ready.outcome.warnings.length > 0 || ready.outcome.notes.some((note) => note.level === 'warning')),
  );
  const layout = layoutFor(size, state.focus, { zoom: state.zoom, chromeRows: 2 + (showWarningLine ? 1 : 0) });
  const detailWidth = layout.panes.find((pane) => pane.pane === 'detail')?.width ?? size.columns;
  const canFix = useCallback((finding: Finding) => finding.fix !== undefined, []);
  const detailContext: DetailContext | undefined = exploration
    ? { exploration, palette, width: detailWidth - 2, canCreateToken: available.token, canFix }
    : undefined;
  const lines = useMemo(
    () => (row && detailContext && state.tab !== 'findings' ? tabLines(state.tab, row, detailContext) : undefined),
    [row, state.tab, exploration, palette, detailWidth],
  );
  const help = useMemo(
    () =>
      ready && exploration && state.help
        ? helpLines({
            exploration,
            notes: ready.outcome.notes,
            warnings: ready.outcome.warnings,
            available,
            palette,
            width: size.columns - 2,
          })
        : [],
    [ready, state.help, palette, size.columns],
  );

  const facts: ViewFacts = {
    namespaceKeys: namespaceRows.map((entry) => entry.key),
    accountKeys,
    findingCount: findings.length,
    detailLineCount: lines?.length ?? 0,
    listHeight: layout.height - 3,
    detailHeight: layout.height - 3,
  };
  const factsRef = useRef(facts);
  factsRef.current = facts;
  const dispatch = (action: Action) => setState((current) => reduce({ ...current, namespaceKey, accountKey }, action, factsRef.current));

  /** Runs a command; `basis` is the state it applies to (the state after an Esc read with it). */
  const run = (command: Command, basis: ExplorerState) => {
    switch (command.type) {
      case 'quit':
        return quit(0);
      case 'refresh':
        return load(true);
      case 'whoCan':
        return setDialog({ kind: 'whoCan' });
      case 'token':
        if (!available.token) return setMessage('tokens are created on a live cluster: run kubectl sa without -f');
        if (!row || row.kind !== 'serviceAccount') return setMessage('select a ServiceAccount first');
        return setDialog({ kind: 'token', namespace: row.namespace, name: row.name });
      case 'fix': {
        const finding = findings[Math.min(basis.findingIndex, findings.length - 1)];
        if (!finding) return setMessage('no finding selected: f fixes the finding selected in the Findings tab');
        if (!canFix(finding))
          return setMessage(`${finding.ruleId} has no automatic fix: its remediation is under fix: in the Findings tab`);
        return setDialog({ kind: 'fix', finding });
      }
      case 'filterStart':
        if (filterTarget(basis) === undefined) return setMessage('/ filters lists and the Findings tab; this tab is text: ↑↓ scroll');
        return dispatch(command);
      default:
        return dispatch(command);
    }
  };

  useInput(
    (input, key) => {
      if (phase.kind !== 'ready') {
        if (input === 'q' || (key.ctrl && input === 'c')) quit(phase.kind === 'error' ? exitCodeOf(phase.error) : 0);
        else if (phase.kind === 'error' && input === 'r') load(false);
        return;
      }
      if (state.help) {
        if (key.escape || input === '?' || input === 'q') return dispatch({ type: 'help' });
        if (key.upArrow || input === 'k') return setHelpScroll((value) => Math.max(0, value - 1));
        if (key.downArrow || input === 'j')
          return setHelpScroll((value) => Math.min(Math.max(0, help.length - (layout.height - 2)), value + 1));
        return undefined;
      }
      // Esc and the next key read together (a busy moment, a fast typist) arrive as meta+key: they are both.
      if (key.meta && !key.escape && input.length === 1 && !state.editing) {
        dispatch({ type: 'back' });
        const basis = reduce({ ...state, namespaceKey, accountKey }, { type: 'back' }, facts);
        const next =
          sidewaysCommand({ ...key, meta: false }, input, basis.focus === 'detail') ?? commandFor(input, { ...key, meta: false });
        if (next) run(next, basis);
        return;
      }
      // Text pasted (or typed faster than it is read) arrives as one chunk; a line end in it ends the filter.
      if (state.editing && /[\r\n]/.test(input) && input.length > 1) {
        const text = input.split(/[\r\n]/)[0] ?? '';
        if (text !== '') dispatch({ type: 'filterType', text });
        return dispatch({ type: 'filterAccept' });
      }
      // Keys read together (held down, or typed while busy) arrive as one chunk of text: each is a key.
      if (!state.editing && input.length > 1 && /^[\x20-\x7e]+$/.test(input) && !key.ctrl && !key.meta) {
        for (const character of input) {
          const each = sidewaysCommand(key, character, state.focus === 'detail') ?? commandFor(character, key);
          if (each) run(each, state);
        }
        return;
      }
      const command = state.editing
        ? filterCommandFor(input, key)
        : (sidewaysCommand(key, input, state.focus === 'detail') ?? commandFor(input, key));
      if (command) run(command, state);
    },
    { isActive: dialog === undefined },
  );

  useEffect(() => {
    if (ready && !firstScreen.current) {
      firstScreen.current = true;
      props.onFirstScreen?.();
    }
  });

  if (phase.kind === 'loading') return <LoadingScreen stage={phase.stage} what={props.reading} startedAt={phase.startedAt} />;
  if (phase.kind === 'error') return <ErrorScreen error={phase.error} width={size.columns} palette={palette} />;
  if (!ready || !exploration || !data) return null;
  if (layout.tooSmall) {
    const text = `The terminal is ${size.columns}×${size.rows}; kubectl sa needs at least ${minimumSize.columns}×${minimumSize.rows}. Resize it, or q to quit.`;
    return (
      <Box flexDirection="column">
        {wrap([{ text }], size.columns)
          .slice(0, size.rows)
          .map((content, index) => (
            <StyledLine key={index} content={content} width={size.columns} />
          ))}
      </Box>
    );
  }

  const warningsShown = [
    ...ready.outcome.warnings.map((warning) => warning.message),
    ...ready.outcome.notes.filter((note) => note.level === 'warning').map((note) => note.message),
  ];
  const namespaceRow = namespaceRows.find((entry) => entry.key === namespaceKey);
  const editingList = state.editing;
  const editing =
    editingList === undefined
      ? undefined
      : {
          text: state.filters[editingList],
          matches: editingList === 'namespaces' ? namespaceRows.length : editingList === 'accounts' ? accountRows.length : findings.length,
          total:
            editingList === 'namespaces'
              ? data.namespaces.length
              : editingList === 'accounts'
                ? allAccounts.length
                : (row?.findings.length ?? 0),
        };
  const filterNote = (text: string) => (text ? ` /${text}` : '');
  const selectedNamespace = namespaceKey === allNamespacesKey || namespaceKey === clusterScopedKey ? undefined : namespaceKey;

  let body;
  if (state.help) body = <HelpScreen lines={help} scroll={helpScroll} width={size.columns} height={layout.height} palette={palette} />;
  else if (dialog?.kind === 'whoCan')
    body = (
      <WhoCanDialog
        exploration={exploration}
        namespace={selectedNamespace}
        actions={actions}
        palette={palette}
        width={size.columns}
        height={layout.height}
        onClose={() => setDialog(undefined)}
        isKnown={(namespace, name) => data.rowsByKey.has(rowKey(namespace, name))}
        onOpen={(namespace, name) => {
          setDialog(undefined);
          setState((current) =>
            reduce(current, { type: 'show', namespaceKey: namespace, accountKey: rowKey(namespace, name) }, factsRef.current),
          );
        }}
      />
    );
  else if (dialog?.kind === 'fix')
    body = (
      <FixDialog
        exploration={exploration}
        finding={dialog.finding}
        actions={actions}
        palette={palette}
        width={size.columns}
        height={layout.height}
        onClose={(changed) => {
          setDialog(undefined);
          if (changed) load(true);
        }}
      />
    );
  else if (dialog?.kind === 'token')
    body = (
      <TokenDialog
        exploration={exploration}
        namespace={dialog.namespace}
        name={dialog.name}
        actions={actions}
        palette={palette}
        width={size.columns}
        height={layout.height}
        onClose={() => setDialog(undefined)}
      />
    );
  else
    body = (
      <Box flexDirection="row" height={layout.height}>
        {layout.panes.map(({ pane, width }) => {
          if (pane === 'namespaces')
            return (
              <NamespacePane
                key={pane}
                rows={namespaceRows}
                cursor={Math.max(
                  0,
                  namespaceRows.findIndex((entry) => entry.key === namespaceKey),
                )}
                width={width}
                height={layout.height}
                focused={state.focus === pane}
                palette={palette}
                title={`Namespaces ${namespaceRows.length - 1} · sort ${state.namespaceSort}${filterNote(state.filters.namespaces)}`}
              />
            );
          if (pane === 'accounts')
            return (
              <AccountPane
                key={pane}
                rows={accountRows}
                cursor={Math.max(
                  0,
                  accountRows.findIndex((entry) => entry.key === accountKey),
                )}
                width={width}
                height={layout.height}
                focused={state.focus === pane}
                palette={palette}
                title={`ServiceAccounts · ${namespaceRow?.kind === 'all' ? 'all namespaces' : (namespaceRow?.label ?? '')} · ${accountRows.length.toLocaleString('en-US')} · sort ${state.accountSort}${filterNote(state.filters.accounts)}`}
                qualified={namespaceKey === allNamespacesKey}
                empty={allAccounts.length === 0 ? 'no ServiceAccount here' : 'no ServiceAccount matches the filter (esc clears it)'}
              />
            );
          return (
            <DetailPane
              key={pane}
              row={row}
              tab={state.tab}
              findings={findings}
              findingIndex={Math.min(state.findingIndex, Math.max(0, findings.length - 1))}
              lines={lines}
              scroll={state.detailScroll}
              width={width}
              height={layout.height}
              focused={state.focus === pane}
              palette={palette}
              context={detailContext ?? { exploration, palette, width: width - 2, canCreateToken: false, canFix }}
              filter={state.filters.findings}
            />
          );
        })}
      </Box>
    );

  return (
    <Box flexDirection="column" width={size.columns} height={size.rows}>
      <Header exploration={exploration} width={size.columns} palette={palette} busy={refreshing ? 'refreshing…' : undefined} />
      {showWarningLine && (
        <StyledLine
          content={[
            { text: 'warning: ', style: palette.warn },
            { text: `${warningsShown[0] ?? ''}${warningsShown.length > 1 ? ` (+${warningsShown.length - 1} more: ?)` : ' (?: details)'}` },
          ]}
          width={size.columns}
        />
      )}
      {body}
      <Footer
        width={size.columns}
        palette={palette}
        available={available}
        editing={editing}
        message={message}
        dialog={dialog !== undefined}
      />
    </Box>
  );
}

function exitCodeOf(error: unknown): number {
  const code = (error as { exitCode?: unknown } | undefined)?.exitCode;
  return typeof code === 'number' ? code : 70;
}

export { describeSource };
