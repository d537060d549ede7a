import type { CompiledPack, CompiledRule } from '../policy/compile-pack.js';
import { exemptionWords, objectLabel, type ReportFinding, type ScanReport } from './scan-report.js';

/**
 * JUnit XML as CI systems (GitLab, Jenkins, Azure Pipelines, GitHub test reporters) read it: one test
 * suite per pack; per rule, one failing test case per finding, one skipped case per exempted finding, and
 * one passing case for the targets that passed (or, when the rule judged nothing, a passing case saying
 * so). Case names do not carry counts, so CI can track each case across runs; counts go to system-out.
 */
export function renderJunit(report: ScanReport, packs: readonly CompiledPack[]): string {
  const checks = new Map(report.summary.rules.map((rule) => [rule.id, rule]));
  let totalTests = 0;
  let totalFailures = 0;
  let totalSkipped = 0;
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
          `    <testcase classname="${xml(`${pack.name}.${rule.id}`)}" name="${xml(`${rule.id} ${objectLabel(item.object)}`)}" time="0">\n` +
            `      <skipped message="${xml(exemptionWords(item))}"/>\n    </testcase>`,
        );
      }
      const counts = checks.get(rule.id) ?? { checked: 0, failed: findings.length, exempted: exempted.length };
      const passed = counts.checked - counts.failed - counts.exempted;
      if (passed > 0 || counts.checked === 0) cases.push(passingCase(pack.name, rule, passed, counts.checked));
    }
    totalTests += cases.length;
    totalFailures += failures;
    totalSkipped += skipped;
    return (
      `  <testsuite name="${xml(pack.name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0">\n` +
      `${cases.join('\n')}\n  </testsuite>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="kubectl-sa scan" tests="${totalTests}" failures="${totalFailures}" errors="0" skipped="${totalSkipped}" time="0">\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}

function passingCase(pack: string, rule: CompiledRule, passed: number, checked: number): string {
  const out = checked === 0 ? 'no target in the input for this rule' : `${passed} of ${checked} target(s) pass`;
  return (
    `    <testcase classname="${xml(`${pack}.${rule.id}`)}" name="${xml(`${rule.id} ${rule.title}`)}" time="0">\n` +
    `      <system-out>${xml(out)}</system-out>\n    </testcase>`
  );
}

function failingCase(pack: string, finding: ReportFinding): string {
  const where = finding.source ? `${finding.source.file}:${finding.source.line}` : '';
  const body = [finding.message, `why: ${finding.explanation}`, `fix: ${finding.remediation}`, where ? `at: ${where}` : '']
    .filter(Boolean)
    .join('\n');
  const location = finding.source ? ` file="${xml(finding.source.file)}" line="${finding.source.line}"` : '';
  return (
    `    <testcase classname="${xml(`${pack}.${finding.ruleId}`)}" name="${xml(`${finding.ruleId} ${objectLabel(finding.object)}`)}"${location} time="0">\n` +
    `      <failure message="${xml(finding.message)}" type="${xml(finding.severity)}">${xml(body)}</failure>\n    </testcase>`
  );
}

/**
 * XML escaping for text and double-quoted attributes. Characters XML 1.0 forbids (control characters,
 * lone surrogates, U+FFFE/U+FFFF), which YAML strings may hold, are dropped; everything else, astral
 * characters included, is kept.
 */
export function xml(text: string): string {
  return text
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
