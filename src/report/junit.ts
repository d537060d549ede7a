import type { CompiledPack } from '../policy/compile-pack.js';
import { objectLabel, type ReportFinding, type ScanReport } from './scan-report.js';

/**
 * JUnit XML as CI systems (GitLab, Jenkins, Azure Pipelines, GitHub test reporters) read it: one test
 * suite per pack, one failing test case per finding, one passing case per rule that found nothing, and
 * exempted findings as skipped cases, so the CI view matches the scan.
 */
export function renderJunit(report: ScanReport, packs: readonly CompiledPack[]): string {
  const suites = packs.map((pack) => {
    const cases: string[] = [];
    let failures = 0;
    let skipped = 0;
    for (const rule of pack.rules) {
      const findings = report.findings.filter((finding) => finding.ruleId === rule.id);
      const exempted = report.exempted.filter((item) => item.ruleId === rule.id);
      for (const finding of findings) {
        failures += 1;
        cases.push(failingCase(pack.name, finding));
      }
      for (const item of exempted) {
        skipped += 1;
        cases.push(
          `    <testcase classname="${xml(`${pack.name}.${rule.id}`)}" name="${xml(`${rule.id} ${objectLabel(item.object)}`)}">\n` +
            `      <skipped message="${xml(`exempted (${item.by}): ${item.reason}`)}"/>\n    </testcase>`,
        );
      }
      if (findings.length === 0 && exempted.length === 0) {
        cases.push(`    <testcase classname="${xml(`${pack.name}.${rule.id}`)}" name="${xml(`${rule.id} ${rule.title}`)}"/>`);
      }
    }
    return (
      `  <testsuite name="${xml(pack.name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}">\n` +
      `${cases.join('\n')}\n  </testsuite>`
    );
  });
  const total = packs.reduce((sum, pack) => sum + pack.rules.length, 0) + report.findings.length + report.exempted.length;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="kubectl-sa scan" tests="${total}" failures="${report.findings.length}">\n${suites.join('\n')}\n</testsuites>\n`
  );
}

function failingCase(pack: string, finding: ReportFinding): string {
  const where = finding.source ? `${finding.source.file}:${finding.source.line}` : '';
  const body = [finding.message, `why: ${finding.explanation}`, `fix: ${finding.remediation}`, where ? `at: ${where}` : ''].filter(Boolean).join('\n');
  return (
    `    <testcase classname="${xml(`${pack}.${finding.ruleId}`)}" name="${xml(`${finding.ruleId} ${objectLabel(finding.object)}`)}"${where ? ` file="${xml(finding.source?.file ?? '')}" line="${finding.source?.line ?? ''}"` : ''}>\n` +
    `      <failure message="${xml(finding.message)}" type="${finding.severity}">${xml(body)}</failure>\n    </testcase>`
  );
}

/** XML text and attribute escaping; also drops characters XML 1.0 forbids, which YAML strings may hold. */
function xml(text: string): string {
  return text
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
