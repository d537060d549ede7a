import type { Severity } from '../policy/pack-types.js';
import { exemptionLines, objectLabel, summaryLine, type ScanReport } from './scan-report.js';
import { tableLines } from './table.js';

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
  // What could not be judged is said under the summary, so "No findings" never reads as "all clear" by itself.
  // Exemptions are listed, never only counted: a reviewer sees what is not reported and who said so.
  const exemptions = exemptionLines(report);
  const summary = [
    ...exemptions,
    ...(exemptions.length > 0 ? [''] : []),
    summaryLine(report),
    ...report.coverage.unknown.map((unknown) => `unknown: ${unknown.message}`),
  ].join('\n');
  if (report.findings.length === 0) return `No findings.\n${summary}\n`;
  const rows = report.findings.map((finding) => [
    options.colour ? `${colours[finding.severity]}${finding.severity}${reset}` : finding.severity,
    finding.ruleId,
    objectLabel(finding.object),
    finding.source ? `${finding.source.file}:${finding.source.line}` : '',
    finding.message,
  ]);
  const lines = tableLines(['severity', 'rule', 'object', 'source', 'message'], rows);
  const out = [lines[0] ?? ''];
  report.findings.forEach((finding, index) => {
    out.push(lines[index + 1] ?? '');
    out.push(`    why: ${finding.explanation}`);
  });
  return `${out.join('\n')}\n\n${summary}\n`;
}
