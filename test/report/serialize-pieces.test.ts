import { describe, expect, it } from 'vitest';
import { generateObjects } from '../../bench/generate.js';
import { rbacForInventory } from '../../src/app/rbac-input.js';
import { aggregateAuditLogs } from '../../src/app/audit-usage.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import { evaluatePolicies } from '../../src/policy/evaluate.js';
import { buildScanReport, scanReportDocument } from '../../src/report/scan-report.js';
import { toJson, toJsonPieces, toYaml, toYamlPieces } from '../../src/report/serialize.js';
import { harnessLogText, scratchDir, writeScratch } from '../helpers/audit-fixture.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';
import { builtInPacks, fixedNow } from '../policy/scan-helper.js';

/** Documents as commands print them: a scan of the dense shape, and the usage of a real API server's audit log. */
async function realDocuments(): Promise<Record<string, unknown>> {
  const inventory = buildInventory(
    generateObjects('dense', 200).map((value) => ({ value })),
    { defaultNamespace: 'default', origin: 'files' },
  );
  const evaluation = evaluatePolicies(inventory, builtInPacks, {
    now: fixedNow,
    rbac: rbacForInventory(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts }),
    keepDocuments: true,
  });
  const usage = await aggregateAuditLogs({ paths: [writeScratch(scratchDir(), 'audit.log', harnessLogText())], threads: 1 });
  return { scan: scanReportDocument(buildScanReport(inventory, builtInPacks, evaluation, 'high')), usage: usage.log };
}

/** What JSON and YAML may meet at the edges of a document. */
const edgeDocuments: Record<string, unknown> = {
  'empty object': {},
  'empty list': [],
  scalar: 'text',
  null: null,
  'top-level list': [{ a: 1 }, [], {}, 'x', null, undefined, [1, [2, {}]]],
  'left-out values': { a: undefined, b: [undefined, () => 1], c: () => 1, d: 1 },
  'only undefined': { a: undefined },
  'keys to quote': { 'a b': [1, 2], '': [{ x: 1 }, { y: 2 }], '1x': ['a', 'b'], 'with:colon': [{}, {}], yes: ['no', 'on'] },
  'lists of one and none': { one: [{ a: 1 }], none: [], scalars: ['1', 'true', '', ' lead', 'x\ny'] },
  'strings that need care': {
    items: ['line one\nline two\n', 'trailing space ', '# not a comment', '- not a list', 'ünïcödé ✓', '\u0007bell', '"quoted"'],
    nested: [{ text: 'a\nb', list: [{ deep: ['c\nd', { e: '' }] }] }, { text: 'plain' }],
  },
  'dates and toJSON': { when: [new Date(0), new Date(86_400_000)], at: new Date(1000), custom: [{ toJSON: () => 'mine' }] },
  'lists of lists': { grid: [[1, 2], [], [[3]], [{}]] },
  'nested mappings': {
    a: { b: { c: 1, list: [1, { x: [2, 3] }], d: {} }, e: [null, 1], f: { g: undefined } },
    h: { i: { j: ['x', 'y'] }, k: 'after the nested one' },
    'not plain': { k: [1, 2], l: { m: ['n', 'o'] } },
    last: [{ deep: { deeper: ['p', 'q'] } }, 'r'],
  },
  'a list first and last': { first: [1, 2], middle: { inner: [3, 4] }, end: [5, 6] },
};

describe('JSON and YAML in pieces', () => {
  it('joins to exactly the whole text for every edge document', () => {
    for (const [name, document] of Object.entries(edgeDocuments)) {
      expect([...toJsonPieces(document)].join(''), `${name} as JSON`).toBe(toJson(document));
      // js-yaml throws on functions, as it does for the whole; those documents are JSON's only.
      if (name === 'left-out values' || name === 'dates and toJSON') continue;
      expect([...toYamlPieces(document)].join(''), `${name} as YAML`).toBe(toYaml(document));
    }
  });

  it('joins to exactly the whole text for the documents commands print', async () => {
    for (const [name, document] of Object.entries(await realDocuments())) {
      expect([...toJsonPieces(document)].join(''), `${name} as JSON`).toBe(toJson(document));
      expect([...toYamlPieces(document)].join(''), `${name} as YAML`).toBe(toYaml(document));
    }
  });

  it('gives a large list an item at a time, never the whole document in one piece', async () => {
    const { scan } = await realDocuments();
    const findings = (scan as { findings: unknown[] }).findings.length;
    expect(findings).toBeGreaterThan(100);
    for (const [format, pieces, whole] of [
      ['json', [...toJsonPieces(scan)], toJson(scan)],
      ['yaml', [...toYamlPieces(scan)], toYaml(scan)],
    ] as const) {
      expect(pieces.length, format).toBeGreaterThan(findings);
      expect(Math.max(...pieces.map((piece) => piece.length)), format).toBeLessThan(whole.length / 50);
    }
  });
});
