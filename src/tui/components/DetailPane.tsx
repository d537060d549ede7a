import { Box } from 'ink';
import { useRef } from 'react';
import type { Finding } from '../../policy/finding.js';
import { detailTabs, detailTitle, findingLines, findingSummary, tabTitles, type DetailContext, type DetailTab } from '../detail-content.js';
import type { ServiceAccountRow } from '../explorer-data.js';
import { scrollWindow } from '../layout.js';
import { severityBadge, type Palette } from '../palette.js';
import type { Line } from '../text-lines.js';
import { Pane } from './Pane.js';
import { StyledLine } from './StyledLine.js';
import { VirtualList } from './VirtualList.js';

export interface DetailPaneProps {
  readonly row: ServiceAccountRow | undefined;
  readonly tab: DetailTab;
  readonly findings: readonly Finding[];
  readonly findingIndex: number;
  /** The lines of a text tab (undefined on the Findings tab) and the first one shown. */
  readonly lines: readonly Line[] | undefined;
  readonly scroll: number;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly palette: Palette;
  readonly context: DetailContext;
  readonly filter: string;
}

/** The tabs bar: the current tab bracketed (and inverse), counts where they help choose. */
function tabBar(props: DetailPaneProps): Line {
  const { row, tab } = props;
  const counts: Partial<Record<DetailTab, number>> = row ? { findings: row.findings.length, workloads: row.workloads.length } : {};
  return detailTabs.map((candidate) => {
    const label = `${tabTitles[candidate]}${counts[candidate] === undefined ? '' : ` ${counts[candidate]}`}`;
    return { text: candidate === tab ? `[${label}]` : ` ${label} `, style: candidate === tab ? { inverse: true, bold: true } : undefined };
  });
}

export function DetailPane(props: DetailPaneProps) {
  const { row, width, height, focused, palette } = props;
  const inner = width - 2;
  const body = height - 3;
  const title = row ? detailTitle(row) : 'details';
  return (
    <Pane title={title} width={width} height={height} focused={focused} palette={palette}>
      <StyledLine content={tabBar(props)} width={inner} />
      {!row ? (
        <StyledLine content={[{ text: 'Select a ServiceAccount.' }]} width={inner} />
      ) : props.tab === 'findings' ? (
        <FindingsTab {...props} row={row} inner={inner} body={body} />
      ) : (
        <TextTab lines={props.lines ?? []} scroll={props.scroll} inner={inner} body={body} />
      )}
    </Pane>
  );
}

function TextTab({ lines, scroll, inner, body }: { lines: readonly Line[]; scroll: number; inner: number; body: number }) {
  const shown = lines.slice(scroll, scroll + body);
  const more = lines.length > scroll + body;
  return (
    <Box flexDirection="column" height={body}>
      {shown.map((content, index) => (
        <StyledLine
          key={scroll + index}
          content={more && index === shown.length - 1 ? [{ text: `… ${lines.length - scroll - body + 1} more lines (↓, PgDn)` }] : content}
          width={inner}
        />
      ))}
    </Box>
  );
}

function FindingsTab(props: DetailPaneProps & { row: ServiceAccountRow; inner: number; body: number }) {
  const { row, findings, findingIndex, inner, body, palette, focused, context } = props;
  const offset = useRef(0);
  if (row.findings.length === 0) {
    return (
      <StyledLine
        content={[{ text: 'No findings: every rule that applies to this ServiceAccount passed.', style: palette.good }]}
        width={inner}
      />
    );
  }
  const listHeight = Math.min(findings.length + 1, Math.max(3, Math.floor(body * 0.4)));
  const detailHeight = body - listHeight - 1;
  const selected = findings[findingIndex];
  const detail = selected ? findingLines(selected, { ...context, width: inner }) : [];
  offset.current = scrollWindow(offset.current, 0, detailHeight, detail.length);
  const cut = detail.length > detailHeight;
  const shown = cut ? [...detail.slice(0, Math.max(0, detailHeight - 1)), [{ text: '… (⏎ widens this pane)' }]] : detail;
  const filtered = props.filter ? ` of ${row.findings.length}, filter: ${props.filter}` : '';
  return (
    <Box flexDirection="column" height={body}>
      <VirtualList
        items={findings}
        cursor={findingIndex}
        width={inner}
        height={listHeight}
        focused={focused}
        renderRow={(finding): Line => [
          { text: severityBadge(finding.severity).padEnd(4), style: palette.severity(finding.severity) },
          { text: ` ${findingSummary(finding)}` },
        ]}
        empty={props.filter ? 'no finding matches the filter (esc clears it)' : 'no finding'}
      />
      <StyledLine
        content={[
          { text: `${'─'.repeat(2)} ${findings.length === 0 ? 0 : findingIndex + 1}/${findings.length}${filtered} ${'─'.repeat(inner)}` },
        ]}
        width={inner}
      />
      {shown.map((content, index) => (
        <StyledLine key={index} content={content} width={inner} />
      ))}
    </Box>
  );
}
