import { severities } from '../policy/pack-types.js';
import { exemptionWords, objectLabel, summaryLine, type ScanReport } from './scan-report.js';

/**
 * A Markdown report for pull-request comments and job summaries: the summary line, counts by severity,
 * then one table row per finding. Every value from the input or a pack is escaped, so a `|` cannot break
 * the table and `*`, `_`, `<` in names or RBAC rules (`* on *.*`) read as themselves, not as emphasis or HTML.
 */
export function renderMarkdown(report: ScanReport): string {
  const lines = ['## kubectl-sa scan', '', summaryLine(report), ''];
  for (const unknown of report.coverage.unknown) lines.push(`> **Unknown:** ${cell(unknown.message)}`, '');
  if (report.findings.length === 0) lines.push('No findings.');
  else {
    const counted = severities.filter((severity) => report.summary.bySeverity[severity] > 0);
    lines.push(
      `| ${counted.map((severity) => severity).join(' | ')} |`,
      `|${counted.map(() => '---:').join('|')}|`,
      `| ${counted.map((severity) => String(report.summary.bySeverity[severity])).join(' | ')} |`,
      '',
      '| Severity | Rule | Object | Source | Finding |',
      '|---|---|---|---|---|',
    );
    for (const finding of report.findings) {
      const source = finding.source ? code(`${finding.source.file}:${finding.source.line}`) : '';
      lines.push(
        `| ${finding.severity} | ${finding.ruleId} | ${code(objectLabel(finding.object))} | ${source} | ${cell(finding.message)}<br>**Why:** ${cell(finding.explanation)}<br>**Fix:** ${cell(finding.remediation)} |`,
      );
    }
  }
  if (report.exempted.length > 0) {
    lines.push('', `### Exempted (${report.exempted.length})`, '');
    for (const item of report.exempted) lines.push(`- ${item.severity}: ${cell(exemptionWords(item))}`);
  }
  if (report.refusedExemptions.length > 0) {
    lines.push('', `### Refused self-exemptions (${report.refusedExemptions.length})`, '');
    lines.push("An object's own annotation cannot exempt a critical finding, only an exemptions file can; these are reported above.", '');
    for (const item of report.refusedExemptions) lines.push(`- ${cell(exemptionWords(item).replace(' exempted by ', ' named by '))}`);
  }
  if (report.expiredExemptions.length > 0) {
    lines.push('', '### Expired exemptions', '');
    for (const exemption of report.expiredExemptions) {
      lines.push(
        `- ${cell(exemption.rules.join(', '))} (${code(`${exemption.source.file}:${exemption.source.line}`)}) expired ${cell(exemption.expires ?? '')}: ${cell(exemption.reason)}`,
      );
    }
  }
  const notes = report.notes.filter((note) => note.level !== 'info');
  if (notes.length > 0) {
    lines.push('', '### Notes on the input', '');
    for (const note of notes) {
      const where = note.source ? `${code(`${note.source.file}:${note.source.line}`)}: ` : '';
      lines.push(`- ${note.level}: ${where}${cell(note.message)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Text in a table cell: Markdown and HTML characters escaped, one line. */
export function cell(text: string): string {
  return text.replace(/([\\`*_[\]<>|#~])/g, '\\$1').replace(/\r?\n/g, ' ');
}

/** A code span in a table cell: backticks cannot be escaped inside one, so they are dropped; `|` still is. */
function code(text: string): string {
  return `\`${text.replace(/`/g, '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}\``;
}
