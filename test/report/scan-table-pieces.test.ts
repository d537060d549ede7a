import { describe, expect, it } from 'vitest';
import { generateObjects } from '../../bench/generate.js';
import { rbacForInventory } from '../../src/app/rbac-input.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import { evaluatePolicies } from '../../src/policy/evaluate.js';
import { buildScanReport, objectLabel, summaryLine, type ScanReport } from '../../src/report/scan-report.js';
import { renderScanTable, scanTable } from '../../src/report/scan-table.js';
import { tableLines } from '../../src/report/table.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';
import { builtInPacks, fixedNow } from '../policy/scan-helper.js';

// The dense shape (every SA of a namespace may create pods there): 300 ServiceAccounts give ~600 findings,
// a table of several pieces.
const inventory = buildInventory(
  generateObjects('dense', 300).map((value) => ({ value })),
  { defaultNamespace: 'default', origin: 'files' },
);
const evaluate = (keepDocuments: boolean) =>
  evaluatePolicies(inventory, builtInPacks, {
    now: fixedNow,
    rbac: rbacForInventory(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts }),
    keepDocuments,
  });
const full = evaluate(true);
const brief = evaluate(false);
const reportOf = (evaluation: typeof full) => buildScanReport(inventory, builtInPacks, evaluation, 'high');

/** The table as tableLines lays out any table, rows and explanations interleaved: the layout scanTable must keep. */
function tableByLines(report: ScanReport): string {
  const rows = report.findings.map((finding) => [
    finding.severity,
    finding.ruleId,
    objectLabel(finding.object),
    finding.source ? `${finding.source.file}:${finding.source.line}` : '',
    finding.message,
  ]);
  const lines = tableLines(['severity', 'rule', 'object', 'source', 'message'], rows);
  const out = [lines[0] ?? ''];
  report.findings.forEach((finding, index) => out.push(lines[index + 1] ?? '', `    why: ${finding.explanation}`));
  return `${out.join('\n')}\n\n${summaryLine(report)}\n`;
}

describe('findings evaluated for the table (keepDocuments: false)', () => {
  it('are the same findings, in the same order, with the same words', () => {
    expect(full.findings.length).toBeGreaterThan(500);
    const words = (evaluation: typeof full) =>
      evaluation.findings.map((finding) => [
        finding.ruleId,
        finding.severity,
        objectLabel(finding.object),
        finding.source?.line,
        finding.message,
        finding.explanation,
        finding.remediation,
      ]);
    expect(words(brief)).toEqual(words(full));
    expect(brief.checks).toEqual(full.checks);
  });

  it('keep neither the document nor what details are made from, and say so when details are asked for', () => {
    const finding = brief.findings[0];
    expect(finding?.document).toBeUndefined();
    expect(() => finding?.details).toThrow(/details were not kept/);
    expect(full.findings[0]?.document).toBeDefined();
    expect(full.findings[0]?.details.length).toBeGreaterThan(0);
  });
});

describe('the scan table in pieces', () => {
  it('is the table tableLines lays out, written in several pieces of bounded size', () => {
    const report = reportOf(brief);
    const pieces = [...scanTable(report, { colour: false })];
    expect(pieces.length).toBeGreaterThan(1);
    const longestLine = Math.max(
      ...pieces
        .join('')
        .split('\n')
        .map((line) => line.length),
    );
    for (const piece of pieces) expect(piece.length).toBeLessThan(64 * 1024 + 2 * longestLine + 2);
    expect(pieces.join('')).toBe(tableByLines(report));
    expect(renderScanTable(report, { colour: false })).toBe(tableByLines(report));
  });

  it('is the same whether the findings kept their documents or not', () => {
    expect(renderScanTable(reportOf(brief), { colour: true })).toBe(renderScanTable(reportOf(full), { colour: true }));
  });

  it('pads coloured severities by what the terminal shows', () => {
    const lines = renderScanTable(reportOf(brief), { colour: true }).split('\n');
    const plain = renderScanTable(reportOf(brief), { colour: false }).split('\n');
    expect(lines.map((line) => line.replace(/\u001b\[[0-9;]*m/g, ''))).toEqual(plain);
  });
});

describe('the documents an evaluation judged', () => {
  it('are built again when asked after the evaluation let them go (no keepProfiles)', () => {
    const workloads = brief.documents.documentsFor('Workload');
    expect(workloads.length).toBeGreaterThan(0);
    expect(workloads.map((target) => objectLabel(target.object))).toEqual(
      inventory.workloads.map((workload) => objectLabel(workload.entry.ref)),
    );
  });
});
