import { Box, useInput } from 'ink';
import { useState } from 'react';
import type { Exploration } from '../../app/explore.js';
import type { WhoCanQuery } from '../../app/who-can.js';
import type { WhoCanReport } from '../../report/who-can-report.js';
import { formatBinding, formatRole, formatScope, incompleteLine } from '../../report/grant-format.js';
import type { WhoCanSubject } from '../../rbac/types.js';
import type { ExplorerActions } from '../explorer-actions.js';
import type { Palette } from '../palette.js';
import { wrap, type Line } from '../text-lines.js';
import { Pane } from './Pane.js';
import { StyledLine } from './StyledLine.js';
import { VirtualList } from './VirtualList.js';

type Answer =
  | { readonly kind: 'none' }
  | { readonly kind: 'asking'; readonly query: string }
  | { readonly kind: 'answer'; readonly query: string; readonly report: WhoCanReport; readonly warnings: readonly string[] }
  | { readonly kind: 'error'; readonly query: string; readonly message: string };

/** Words typed → the who-can query: VERB TYPE[/NAME] [SUBRESOURCE], or VERB /url. */
export function parseWhoCanInput(
  text: string,
  scope: { readonly namespace: string | undefined; readonly fallback: string },
): WhoCanQuery | string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length < 2) return 'type a verb and a resource, e.g. get secrets, create pods, create serviceaccounts/ci token';
  if (words.length > 3) return 'too many words: VERB TYPE[/NAME] [SUBRESOURCE]';
  const [verb, target, subresource] = words as [string, string, string | undefined];
  return { verb, target, subresource, namespace: scope.namespace ?? scope.fallback, anyNamespace: scope.namespace === undefined };
}

/**
 * `w`: who can do what the user types, in the selected namespace (every namespace from "all namespaces"),
 * answered by the who-can use case over the model already loaded. ⏎ on a ServiceAccount opens it.
 */
export function WhoCanDialog(props: {
  readonly exploration: Exploration;
  readonly namespace: string | undefined;
  readonly actions: Pick<ExplorerActions, 'whoCan'>;
  readonly palette: Palette;
  readonly width: number;
  readonly height: number;
  readonly onClose: () => void;
  readonly onOpen: (namespace: string, name: string) => void;
  readonly isKnown: (namespace: string, name: string) => boolean;
}) {
  const { palette, exploration } = props;
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState<Answer>({ kind: 'none' });
  const [cursor, setCursor] = useState(0);
  const subjects = answer.kind === 'answer' ? answer.report.subjects : [];
  const scope = { namespace: props.namespace, fallback: exploration.connection?.defaultNamespace ?? 'default' };

  const ask = () => {
    const query = parseWhoCanInput(text, scope);
    if (typeof query === 'string') {
      setAnswer({ kind: 'error', query: text, message: query });
      return;
    }
    setAnswer({ kind: 'asking', query: text });
    setCursor(0);
    props.actions.whoCan(exploration, query).then(
      (result) =>
        setAnswer({ kind: 'answer', query: text, report: result.data, warnings: result.warnings.map((warning) => warning.message) }),
      (error: unknown) => setAnswer({ kind: 'error', query: text, message: error instanceof Error ? error.message : String(error) }),
    );
  };

  useInput((input, key) => {
    if (key.escape) return props.onClose();
    if (key.upArrow) return setCursor((value) => Math.max(0, value - 1));
    if (key.downArrow) return setCursor((value) => Math.min(subjects.length - 1, value + 1));
    if (key.return) {
      const chosen = subjects[cursor]?.subject;
      const asked = answer.kind !== 'none' && answer.query === text;
      if (asked && chosen?.kind === 'ServiceAccount' && props.isKnown(chosen.namespace ?? '', chosen.name))
        return props.onOpen(chosen.namespace ?? '', chosen.name);
      if (!asked || answer.kind === 'error') ask();
      return;
    }
    if (key.backspace || key.delete) return setText((value) => value.slice(0, -1));
    if (key.ctrl || key.meta || key.tab || input === '') return;
    setText((value) => value + input);
  });

  const inner = props.width - 2;
  const where = props.namespace === undefined ? 'in any namespace' : `in namespace ${props.namespace}`;
  const head: Line[] = [
    [{ text: 'who can ', style: { bold: true } }, { text: '› ', style: palette.accent }, { text: `${text}█` }],
    ...wrap(
      [{ text: `${where} · VERB TYPE[/NAME] [SUBRESOURCE] or VERB /url · ⏎ asks, ⏎ on a ServiceAccount opens it · esc closes` }],
      inner,
    ),
    [],
  ];
  const status: Line[] =
    answer.kind === 'asking'
      ? [[{ text: 'asking…' }]]
      : answer.kind === 'error'
        ? wrap([{ text: 'error: ', style: palette.severity('high') }, { text: answer.message }], inner, 7)
        : answer.kind === 'answer'
          ? [
              ...wrap([{ text: summaryOf(answer.report, answer.query, where), style: { bold: true } }], inner),
              // Said before the warnings, whose lines it sums up: the list is what could be proved, not everyone.
              ...(answer.report.complete
                ? []
                : wrap(
                    [{ text: incompleteLine(answer.report.unread, 'more subjects may be allowed'), style: palette.severity('medium') }],
                    inner,
                    12,
                  )),
              ...answer.warnings.flatMap((warning) => wrap([{ text: `warning: ${warning}` }], inner, 9)),
            ]
          : [];
  const listHeight = Math.max(1, props.height - 2 - head.length - status.length);
  return (
    <Pane title="who-can" width={props.width} height={props.height} focused palette={palette}>
      {[...head, ...status].map((content, index) => (
        <StyledLine key={index} content={content} width={inner} />
      ))}
      <Box flexDirection="column" height={listHeight}>
        {answer.kind === 'answer' && (
          <VirtualList
            items={subjects}
            cursor={cursor}
            width={inner}
            height={listHeight}
            focused
            renderRow={(subject) => subjectLine(subject, palette)}
            empty={answer.report.complete ? 'nobody, through RBAC' : 'nobody, through the RBAC that could be read'}
          />
        )}
      </Box>
    </Pane>
  );
}

function summaryOf(report: WhoCanReport, query: string, where: string): string {
  const accounts = report.subjects.filter((subject) => subject.subject.kind === 'ServiceAccount').length;
  const bypass = report.bypass.map((subject) => `${subject.kind} ${subject.name}`).join(', ');
  return `${report.subjects.length} subject(s), ${accounts} ServiceAccount(s), may ${query.trim()} ${where}${bypass ? `; ${bypass} too (bypasses RBAC)` : ''}`;
}

function subjectLine(entry: WhoCanSubject, palette: Palette): Line {
  const { subject } = entry;
  const name = subject.kind === 'ServiceAccount' ? `${subject.namespace ?? ''}/${subject.name}` : subject.name;
  const first = entry.grants[0];
  const via = first ? `${formatBinding(first.binding)} → ${formatRole(first.role)} (${formatScope(first)})` : '';
  const more = entry.grants.length > 1 ? ` +${entry.grants.length - 1}` : '';
  return [
    { text: subject.kind.padEnd(15), style: subject.kind === 'ServiceAccount' ? palette.accent : undefined },
    { text: ` ${name}  ` },
    { text: `${via}${more}` },
  ];
}
