import { objectLabel, summaryLine, type ScanReport } from './scan-report.js';

/** A Markdown report for pull-request comments and job summaries: summary, then one row per finding. */
export function renderMarkdown(report: ScanReport): string {
  const lines = ['## kubectl-sa scan', '', summaryLine(report), ''];
  if (report.findings.length === 0) return `${lines.join('\n')}No findings.\n`;
  lines.push('| Severity | Rule | Object | Source | Finding |', '|---|---|---|---|---|');
  for (const finding of report.findings) {
    const source = finding.source ? `\`${finding.source.file}:${finding.source.line}\`` : '';
    lines.push(
      `| ${finding.severity} | ${finding.ruleId} | \`${objectLabel(finding.object)}\` | ${source} | ${cell(finding.message)}<br>**Why:** ${cell(finding.explanation)}<br>**Fix:** ${cell(finding.remediation)} |`,
    );
  }
  if (report.expiredExemptions.length > 0) {
    lines.push('', '### Expired exemptions', '');
    for (const exemption of report.expiredExemptions) {
      lines.push(`- ${exemption.rules.join(', ')} (${exemption.source.file}:${exemption.source.line}) expired ${exemption.expires ?? ''}: ${cell(exemption.reason)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
