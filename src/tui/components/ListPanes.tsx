import type { NamespaceRow, ServiceAccountRow } from '../explorer-data.js';
import { clusterScopedKey, rowLabel } from '../explorer-data.js';
import { severityBadge, type Palette } from '../palette.js';
import type { Line } from '../text-lines.js';
import { Pane } from './Pane.js';
import { VirtualList } from './VirtualList.js';

const count = (value: number) => value.toLocaleString('en-US');

/** A name in its column: cut with … when longer, padded when shorter. */
function fitName(name: string, width: number): string {
  return name.length > width ? `${name.slice(0, width - 1)}…` : name.padEnd(width);
}

interface ListPaneProps {
  readonly cursor: number;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly palette: Palette;
  readonly title: string;
}

/** A bordered pane holding one virtualised list with a header row. */
function ListPane<T>(
  props: ListPaneProps & {
    readonly rows: readonly T[];
    readonly renderRow: (row: T) => Line;
    readonly header: string;
    readonly empty: string;
  },
) {
  return (
    <Pane title={props.title} width={props.width} height={props.height} focused={props.focused} palette={props.palette}>
      <VirtualList
        items={props.rows}
        cursor={props.cursor}
        width={props.width - 2}
        height={props.height - 2}
        focused={props.focused}
        renderRow={props.renderRow}
        header={[{ text: props.header }]}
        empty={props.empty}
      />
    </Pane>
  );
}

export function NamespacePane(props: ListPaneProps & { readonly rows: readonly NamespaceRow[] }) {
  const { palette } = props;
  const nameWidth = Math.max(6, props.width - 2 - 2 - (5 + 6 + 4 + 3));
  const renderRow = (row: NamespaceRow): Line => [
    { text: fitName(row.label, nameWidth) },
    { text: ` ${count(row.serviceAccounts).padStart(5)} ${count(row.findings).padStart(6)} ` },
    { text: severityBadge(row.worst).padEnd(4), style: palette.severity(row.worst) },
  ];
  return (
    <ListPane
      {...props}
      renderRow={renderRow}
      header={`${'NAMESPACE'.padEnd(nameWidth)}    SA   FIND RISK`}
      empty="no namespace matches the filter"
    />
  );
}

export function AccountPane(
  props: ListPaneProps & {
    readonly rows: readonly ServiceAccountRow[];
    /** Show `namespace/` before names (the "all namespaces" list). */
    readonly qualified: boolean;
    readonly empty: string;
  },
) {
  const { palette, qualified } = props;
  const fixed = 4 + 1 + 1 + 5 + 1 + 3 + 1 + 9 + 1 + 6 + 1 + 4;
  const nameWidth = Math.max(8, props.width - 2 - 2 - fixed);
  const renderRow = (row: ServiceAccountRow): Line => {
    const name = qualified ? `${row.namespace === clusterScopedKey ? '(cluster)' : row.namespace}/${rowLabel(row)}` : rowLabel(row);
    const other = row.kind === 'other';
    return [
      { text: severityBadge(row.worst).padEnd(4), style: palette.severity(row.worst) },
      { text: ` ${fitName(name, nameWidth)} ` },
      { text: (other ? '' : row.automount).padEnd(5), style: row.automount === 'off' || other ? undefined : palette.warn },
      { text: ` ${(other ? '' : count(row.workloads.length)).padStart(3)} ` },
      { text: (other ? '' : row.tokenKind).padEnd(9), style: row.tokenKind === 'legacy' ? palette.severity('high') : undefined },
      { text: ` ${(other || row.canBecome === 0 ? '-' : count(row.canBecome)).padStart(6)} ${count(row.findings.length).padStart(4)}` },
    ];
  };
  return <ListPane {...props} renderRow={renderRow} header={`RISK ${'NAME'.padEnd(nameWidth)} AUTO   WL TOKEN     BECOME FIND`} />;
}
