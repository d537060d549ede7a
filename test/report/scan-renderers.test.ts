import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { buildScanReport, scanReportDocument } from '../../src/report/scan-report.js';
import { renderScanTable } from '../../src/report/scan-table.js';
import { builtInPacks, scanObjects, clusterAdminObjects } from '../policy/scan-helper.js';

const objects = [...clusterAdminObjects];
const scan = scanObjects(objects);
// Give findings a position, as files would.
const withSources = {
  ...scan,
  findings: scan.findings.map((finding, index) => ({
    ...finding,
    details: finding.details,
    source: { file: '/repo/k8s/app.yaml', line: 10 + index },
  })),
};
const report = buildScanReport(scan.inventory, builtInPacks, withSources, 'high');

describe('ScanReport', () => {
  it('has the documented shape, most severe first', () => {
    expect(report.apiVersion).toBe('kubectl-sa.dev/v1');
    expect(report.kind).toBe('ScanReport');
    expect(report.summary).toMatchObject({ objects: 3, failOn: 'high', failed: true });
    expect(report.summary.bySeverity.critical).toBeGreaterThan(0);
    const first = report.findings[0];
    expect(first).toMatchObject({
      ruleId: 'RBAC001',
      pack: 'rbac',
      severity: 'critical',
      object: { apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'a', name: 'ops' },
    });
    // What -o json|yaml print; `details` is read from the finding only then.
    const printed = scanReportDocument(report).findings[0];
    expect(printed?.details.length).toBeGreaterThan(0);
    // Serialised directly, the report says the same (toJSON), in the same field order.
    expect(JSON.parse(JSON.stringify(report)).findings[0]).toEqual(JSON.parse(JSON.stringify(printed)));
    expect(Object.keys(JSON.parse(JSON.stringify(report)).findings[0])).toEqual(Object.keys(printed ?? {}));
    expect(Object.keys(printed ?? {})).toEqual(
      expect.arrayContaining([
        'ruleId',
        'pack',
        'severity',
        'title',
        'message',
        'object',
        'source',
        'remediation',
        'fix',
        'explanation',
        'details',
        'references',
      ]),
    );
    expect(report.summary.score).toBeGreaterThanOrEqual(0);
    expect(report.summary.score).toBeLessThan(100);
  });

  it('passes with --fail-on critical only when no critical finding exists', () => {
    expect(buildScanReport(scan.inventory, builtInPacks, withSources, 'critical').summary.failed).toBe(true);
    expect(buildScanReport(scan.inventory, builtInPacks, withSources, 'none').summary.failed).toBe(false);
  });
});

describe('renderers', () => {
  it('table: a row per finding with its explanation, and the summary line', () => {
    const text = renderScanTable(report, { colour: false });
    expect(text.split('\n')[0]).toMatch(/^SEVERITY\s+RULE\s+OBJECT\s+SOURCE\s+MESSAGE$/);
    expect(text).toMatch(/critical\s+RBAC001\s+ServiceAccount\/a\/ops\s+\/repo\/k8s\/app\.yaml:10/);
    expect(text).toContain('    why: ');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^\d+ findings \(.*critical.*\) · 3 objects · score \d+\/100$/);
    expect(text).not.toContain('\u001b[');
    expect(renderScanTable(report, { colour: true })).toContain('\u001b[1;31mcritical');
  });

  it('SARIF 2.1.0: rules with help, results with relative file and line', () => {
    const sarif = JSON.parse(renderSarif(report, builtInPacks, '0.1.0', '/repo').text) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string; help: { text: string }; properties: Record<string, unknown> }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }[];
      }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id)).toEqual(expect.arrayContaining(['SA001', 'RBAC011']));
    expect(rules.every((rule) => rule.help.text.length > 0 && typeof rule.properties['security-severity'] === 'string')).toBe(true);
    const result = run?.results[0];
    expect(result).toMatchObject({ ruleId: 'RBAC001', level: 'error' });
    expect(rules[result?.ruleIndex ?? -1]?.id).toBe('RBAC001');
    expect(result?.locations[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'k8s/app.yaml' }, region: { startLine: 10 } });
  });

  it('JUnit: a suite per pack, failures per finding, passing cases per clean rule, escaped XML', () => {
    const xml = renderJunit(report, builtInPacks);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(xml).toMatch(/<testsuite name="rbac" tests="\d+" failures="\d+"/);
    expect(xml).toMatch(
      /<testcase classname="rbac.RBAC001" name="RBAC001 ServiceAccount\/a\/ops" file="\/repo\/k8s\/app.yaml" line="10" time="0">\s*<failure message="/,
    );
    expect(xml).toMatch(/<testcase classname="serviceaccount.SA011" name="SA011 [^"]+" time="0">\s*<system-out>/);
    expect(xml).not.toMatch(/<failure[^>]*>[^<]*<(?!\/failure)/);
  });

  it('Markdown: summary and a table row per finding', () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('## kubectl-sa scan');
    expect(markdown).toMatch(/\| critical \| RBAC001 \| `ServiceAccount\/a\/ops` \| `\/repo\/k8s\/app.yaml:10` \|/);
  });
});

describe('Markdown escaping', () => {
  it('keeps pipes, emphasis and HTML characters from breaking the table', () => {
    const tricky = {
      ...report,
      findings: scanReportDocument(report)
        .findings.slice(0, 1)
        .map((finding) => ({
          ...finding,
          message: 'a | b * on *.* <script>',
          explanation: 'line one\nline two `x` _y_',
          source: { file: 'k8s/a|b.yaml', line: 3 },
        })),
    };
    const markdown = renderMarkdown(tricky);
    const row = markdown.split('\n').find((line) => line.startsWith('| critical | RBAC001'));
    expect(row).toBeDefined();
    // Five cells: the unescaped pipes between them are exactly six.
    expect(row?.match(/(?<!\\)\|/g)?.length).toBe(6);
    expect(row).toContain('a \\| b \\* on \\*.\\* \\<script\\>');
    expect(row).toContain('line one line two \\`x\\` \\_y\\_');
    expect(row).toContain('`k8s/a\\|b.yaml:3`');
    expect(markdown).toMatch(/\| critical \|[^\n]*\n\|---:/);
  });

  it('a clean scan says so after the summary', () => {
    const clean = { ...report, findings: [] };
    expect(renderMarkdown(clean)).toMatch(/^## kubectl-sa scan\n\n.*score \d+\/100\n\nNo findings\.\n$/);
  });
});
