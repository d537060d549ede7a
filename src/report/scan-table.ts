import type { Severity } from '../policy/pack-types.js';
import { exemptionLines, objectLabel, summaryLine, type ScanReport } from './scan-report.js';
import { tableLine, visibleLength } from './table.js';

const colours: Readonly<Record<Severity, string>> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};
const reset = '\u001b[0m';

/**
 * kubectl-style table: one row per finding, most severe first, with the explanation on an indented line
 * under its row so each finding says why, then the summary line. Colour only when the caller says the
 * terminal wants it (a TTY without NO_COLOR).
 */
export function renderScanTable(report: ScanReport, options: { readonly colour: boolean }): string {
  return [...scanTable(report, options)].join('');
}

/** Pieces of about this many characters: few writes, and never the whole table of 200,000 findings at once. */
const pieceLength = 64 * 1024;

/**
 * The same table in pieces, made as they are written: the table of a 100,000-ServiceAccount scan is 85 MiB,
 * and as one string (with its lines and cells) it took more memory than the findings it shows. Laid out as
 * tableLines lays out any table; the columns' widths are measured in a first pass over the findings.
 */
export function* scanTable(report: ScanReport, options: { readonly colour: boolean }): Generator<string> {
  // What could not be judged is said under the summary, so "No findings" never reads as "all clear" by itself.
  // Exemptions are listed, never only counted: a reviewer sees what is not reported and who said so.
  const exemptions = exemptionLines(report);
  const summary = [
    ...exemptions,
    ...(exemptions.length > 0 ? [''] : []),
    summaryLine(report),
    ...report.coverage.unknown.map((unknown) => `unknown: ${unknown.message}`),
  ].join('\n');
  if (report.findings.length === 0) {
    yield `No findings.\n${summary}\n`;
    return;
  }
  const headers = ['severity', 'rule', 'object', 'source', 'message'];
  const widths = headers.map((header) => header.length);
  for (const finding of report.findings) {
    widths[0] = Math.max(widths[0] ?? 0, visibleLength(finding.severity));
    widths[1] = Math.max(widths[1] ?? 0, visibleLength(finding.ruleId));
    widths[2] = Math.max(widths[2] ?? 0, visibleLength(objectLabel(finding.object)));
    widths[3] = Math.max(widths[3] ?? 0, visibleLength(sourceCell(finding)));
  }
  const line = (cells: readonly string[]) => tableLine(cells, widths);
  let piece = `${line(headers.map((header) => header.toUpperCase()))}\n`;
  for (const finding of report.findings) {
    const severity = options.colour ? `${colours[finding.severity]}${finding.severity}${reset}` : finding.severity;
    piece += `${line([severity, finding.ruleId, objectLabel(finding.object), sourceCell(finding), finding.message])}\n    why: ${finding.explanation}\n`;
    if (piece.length >= pieceLength) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}\n${summary}\n`;
}

function sourceCell(finding: ScanReport['findings'][number]): string {
  return finding.source ? `${finding.source.file}:${finding.source.line}` : '';
}
