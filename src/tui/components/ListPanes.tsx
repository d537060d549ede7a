import type { NamespaceRow, ServiceAccountRow } from '../explorer-data.js';
import { rowLabel } from '../explorer-data.js';
import { severityBadge, type Palette } from '../palette.js';
import type { Line } from '../text-lines.js';
import { Pane } from './Pane.js';
import { VirtualList } from './VirtualList.js';

const count = (value: number) => value.toLocaleString('en-US');

/** Columns after the name: widths and header words. The name takes what is left. */
function cells(values: readonly [string, number][], nameWidth: number, name: string): string {
  return [
    name.length > nameWidth ? `${name.slice(0, nameWidth - 1)}…` : name.padEnd(nameWidth),
    ...values.map(([value, width]) => value.padStart(width)),
  ].join(' ');
}

export function NamespacePane(props: {
  readonly rows: readonly NamespaceRow[];
  readonly cursor: number;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly palette: Palette;
  readonly title: string;
}) {
  const { palette } = props;
  const inner = props.width - 2;
  const nameWidth = Math.max(6, inner - 2 - (5 + 6 + 4 + 3));
  const renderRow = (row: NamespaceRow): Line => [
    { text: cells([], nameWidth, row.label) },
    { text: ` ${count(row.serviceAccounts).padStart(5)} ${count(row.findings).padStart(6)} ` },
    { text: severityBadge(row.worst).padEnd(4), style: palette.severity(row.worst) },
  ];
  return (
    <Pane title={props.title} width={props.width} height={props.height} focused={props.focused} palette={palette}>
      <VirtualList
        items={props.rows}
        cursor={props.cursor}
        width={inner}
        height={props.height - 2}
        focused={props.focused}
        renderRow={renderRow}
        header={[{ text: `${'NAMESPACE'.padEnd(nameWidth)}    SA   FIND RISK` }]}
        empty="no namespace matches the filter"
      />
    </Pane>
  );
}

export function AccountPane(props: {
  readonly rows: readonly ServiceAccountRow[];
  readonly cursor: number;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly palette: Palette;
  readonly title: string;
  /** Show `namespace/` before names (the "all namespaces" list). */
  readonly qualified: boolean;
  readonly empty: string;
}) {
  const { palette, qualified } = props;
  const inner = props.width - 2;
  const fixed = 4 + 1 + 1 + 5 + 1 + 3 + 1 + 9 + 1 + 6 + 1 + 4;
  const nameWidth = Math.max(8, inner - 2 - fixed);
  const renderRow = (row: ServiceAccountRow): Line => {
    const name = qualified ? `${row.namespace === '\u0000cluster' ? '(cluster)' : row.namespace}/${rowLabel(row)}` : rowLabel(row);
    const other = row.kind === 'other';
    return [
      { text: severityBadge(row.worst).padEnd(4), style: palette.severity(row.worst) },
      { text: ` ${cells([], nameWidth, name)} ` },
      { text: (other ? '' : row.automount).padEnd(5), style: row.automount === 'off' || other ? undefined : palette.warn },
      { text: ` ${(other ? '' : count(row.workloads.length)).padStart(3)} ` },
      { text: (other ? '' : row.tokenKind).padEnd(9), style: row.tokenKind === 'legacy' ? palette.severity('high') : undefined },
      { text: ` ${(other || row.canBecome === 0 ? '-' : count(row.canBecome)).padStart(6)} ${count(row.findings.length).padStart(4)}` },
    ];
  };
  return (
    <Pane title={props.title} width={props.width} height={props.height} focused={props.focused} palette={palette}>
      <VirtualList
        items={props.rows}
        cursor={props.cursor}
        width={inner}
        height={props.height - 2}
        focused={props.focused}
        renderRow={renderRow}
        header={[{ text: `RISK ${'NAME'.padEnd(nameWidth)} AUTO   WL TOKEN     BECOME FIND` }]}
        empty={props.empty}
      />
    </Pane>
  );
}
