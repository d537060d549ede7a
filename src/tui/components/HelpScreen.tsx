import type { Exploration } from '../../app/explore.js';
import type { Warning } from '../../app/outcome.js';
import { formatPosition } from '../../errors/kubectl-sa-error.js';
import type { InventoryNote } from '../../inventory/inventory.js';
import { availableKeys } from '../keymap.js';
import type { Palette } from '../palette.js';
import { blank, labelled, line, wrap, type Line } from '../text-lines.js';
import { Pane } from './Pane.js';
import { StyledLine } from './StyledLine.js';

/** The `?` screen: every key that works here, what the columns mean, and every note and warning of the load. */
export function helpLines(props: {
  readonly exploration: Exploration;
  readonly notes: readonly InventoryNote[];
  readonly warnings: readonly Warning[];
  readonly available: { readonly token: boolean; readonly fix: boolean };
  readonly palette: Palette;
  readonly width: number;
}): Line[] {
  const { palette, width } = props;
  const heading = (text: string): Line => line({ text, style: { bold: true } });
  const lines: Line[] = [heading('Keys')];
  for (const entry of availableKeys(props.available))
    lines.push(...labelled(entry.keys.padEnd(8), entry.long, width, { label: palette.accent }));
  lines.push(blank, heading('Columns'));
  const columns: [string, string][] = [
    [
      'RISK',
      'the most severe finding about the ServiceAccount, its workloads, its legacy tokens or bindings naming it: CRIT HIGH MED LOW INFO, ok when none',
    ],
    ['AUTO', 'its automountServiceAccountToken: on, off, or unset (pods then get a token unless they opt out)'],
    ['WL', 'workloads whose pods run as it'],
    ['TOKEN', 'the longest-lived token in use: legacy (a Secret that never expires), projected (automounted or declared), none'],
    [
      'BECOME',
      'other ServiceAccounts it can act as in one step: pod create in their namespace, token create, impersonation; the Escalation tab walks further',
    ],
    ['FIND', 'its findings'],
  ];
  for (const [name, text] of columns) lines.push(...labelled(name.padEnd(8), text, width, { label: { bold: true } }));
  lines.push(blank, heading('Loaded'));
  const { timings, packs } = props.exploration;
  lines.push(
    ...wrap(
      [
        {
          text: `${packs.length} pack(s), ${packs.reduce((sum, pack) => sum + pack.rules.length, 0)} rules; read in ${Math.round(timings.readMs)} ms, judged in ${Math.round(timings.judgeMs)} ms.`,
        },
      ],
      width,
    ),
  );
  const problems = [
    ...props.warnings.map(
      (warning) =>
        `warning: ${warning.source ? `${formatPosition(warning.source)}: ` : ''}${warning.message}${warning.hint ? ` (${warning.hint})` : ''}`,
    ),
    ...props.notes.map((note) => `${note.level}: ${note.source ? `${formatPosition(note.source)}: ` : ''}${note.message}`),
  ];
  lines.push(blank, heading(`Warnings and notes (${problems.length})`));
  if (problems.length === 0) lines.push(line('  none: everything was read'));
  for (const problem of problems) lines.push(...wrap([{ text: problem }], width - 2, 2).map((content) => [{ text: '  ' }, ...content]));
  return lines;
}

export function HelpScreen(props: {
  readonly lines: readonly Line[];
  readonly scroll: number;
  readonly width: number;
  readonly height: number;
  readonly palette: Palette;
}) {
  const inner = props.width - 2;
  const body = props.height - 2;
  const shown = props.lines.slice(props.scroll, props.scroll + body);
  return (
    <Pane title="help · ↑↓ scroll · ? or esc closes" width={props.width} height={props.height} focused palette={props.palette}>
      {shown.map((content, index) => (
        <StyledLine key={props.scroll + index} content={content} width={inner} />
      ))}
    </Pane>
  );
}
