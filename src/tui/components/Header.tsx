import type { Exploration, ExplorationSource } from '../../app/explore.js';
import { severities } from '../../policy/pack-types.js';
import { severityBadges, type Palette } from '../palette.js';
import type { Line } from '../text-lines.js';
import { StyledLine } from './StyledLine.js';

/** Where the objects came from, as the header and the loading screen say it. */
export function describeSource(source: ExplorationSource): string {
  if (source.kind === 'files') return `files: ${source.paths.join(' ')}`;
  const scope = source.namespace === undefined ? 'all namespaces' : `namespace ${source.namespace}`;
  return `context ${source.context} (${source.server}) · ${scope}${source.as ? ` · as ${source.as}` : ''}`;
}

export function Header(props: {
  readonly exploration: Exploration;
  readonly width: number;
  readonly palette: Palette;
  readonly busy: string | undefined;
}) {
  const { exploration, palette } = props;
  const { summary } = exploration.report;
  const counts = severities
    .filter((severity) => summary.bySeverity[severity] > 0)
    .flatMap((severity) => [
      { text: ' ' },
      { text: `${summary.bySeverity[severity].toLocaleString('en-US')} ${severityBadges[severity]}`, style: palette.severity(severity) },
    ]);
  const content: Line = [
    { text: 'kubectl sa', style: { bold: true } },
    { text: ` · ${describeSource(exploration.source)} · ${summary.objects.toLocaleString('en-US')} objects · ` },
    { text: `${summary.findings.toLocaleString('en-US')} findings` },
    ...counts,
    { text: ` · score ${summary.score}/100` },
    ...(props.busy ? [{ text: ` · ${props.busy}`, style: palette.accent }] : []),
  ];
  return <StyledLine content={content} width={props.width} />;
}
