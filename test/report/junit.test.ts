import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/policy/finding.js';
import { renderJunit } from '../../src/report/junit.js';
import { buildScanReport } from '../../src/report/scan-report.js';
import { builtInPacks, scanObjects, clusterAdminObjects } from '../policy/scan-helper.js';

// No XML parser is installed, so a strict little one: it accepts only well-formed XML (balanced tags,
// quoted attributes, no raw < or stray & in text, only the predefined entities and character references)
// and returns the element tree, so the test can check what CI will count.
interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

function parseXml(source: string): Element {
  const declaration = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/;
  if (!declaration.test(source)) throw new Error('missing XML declaration');
  let rest = source.replace(declaration, '');
  const root: Element = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: Element[] = [root];
  const unescape = (text: string) => {
    if (/[<>]/.test(text)) throw new Error(`raw markup character in ${JSON.stringify(text)}`);
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) throw new Error(`control character in ${JSON.stringify(text)}`);
    return text.replace(/&([^;]*);|&/g, (whole, entity: string | undefined) => {
      const known: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (entity === undefined) throw new Error(`stray & in ${JSON.stringify(text)}`);
      if (entity in known) return known[entity] ?? '';
      if (/^#\d+$/.test(entity)) return String.fromCodePoint(Number(entity.slice(1)));
      throw new Error(`unknown entity ${whole}`);
    });
  };
  while (rest.length > 0) {
    const top = stack[stack.length - 1] as Element;
    const textEnd = rest.indexOf('<');
    if (textEnd !== 0) {
      const text = textEnd === -1 ? rest : rest.slice(0, textEnd);
      top.text += unescape(text);
      rest = rest.slice(text.length);
      continue;
    }
    const close = /^<\/([A-Za-z][\w.-]*)>/.exec(rest);
    if (close) {
      if (close[1] !== top.name) throw new Error(`</${close[1]}> closes <${top.name}>`);
      stack.pop();
      rest = rest.slice(close[0].length);
      continue;
    }
    const open = /^<([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^"<]*")*)\s*(\/?)>/.exec(rest);
    if (!open) throw new Error(`malformed markup at ${JSON.stringify(rest.slice(0, 60))}`);
    const attributes: Record<string, string> = {};
    for (const [, name, value] of (open[2] ?? '').matchAll(/([A-Za-z][\w.-]*)="([^"]*)"/g)) {
      if (name === undefined || name in attributes) throw new Error(`duplicate attribute ${String(name)}`);
      attributes[name] = unescape(value ?? '');
    }
    const element: Element = { name: open[1] ?? '', attributes, children: [], text: '' };
    top.children.push(element);
    if (open[3] !== '/') stack.push(element);
    rest = rest.slice(open[0].length);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]?.name ?? ''}>`);
  if (root.children.length !== 1 || root.text.trim() !== '') throw new Error('not exactly one root element');
  return root.children[0] as Element;
}

const all = (element: Element, name: string): Element[] => [
  ...element.children.filter((child) => child.name === name),
  ...element.children.flatMap((child) => all(child, name)),
];

const nasty = 'vendor <chart> & "friends" \u0001\u001b[31m 🚀';
const objects = [
  ...clusterAdminObjects,
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'a' },
    spec: { template: { spec: { serviceAccountName: 'ops', containers: [] } } },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'legacy', namespace: 'a', annotations: { 'kubectl-sa.dev/exempt': 'SA002', 'kubectl-sa.dev/exempt-reason': nasty } },
    spec: { template: { spec: { containers: [] } } },
  },
];

function junitOf(origin: 'files' | 'cluster', sourceOf: (finding: Finding) => Finding['source']) {
  const scan = scanObjects(objects, { origin });
  const report = buildScanReport(
    scan.inventory,
    builtInPacks,
    { ...scan, findings: scan.findings.map((finding) => ({ ...finding, details: finding.details, source: sourceOf(finding) })) },
    'high',
  );
  return { report, root: parseXml(renderJunit(report, builtInPacks)) };
}

describe('JUnit XML', () => {
  const { report, root } = junitOf('files', () => ({ file: 'k8s/a&b <1>.yaml', line: 7 }));

  it('is well-formed, with testsuites/testsuite/testcase and counts that match the cases', () => {
    expect(root.name).toBe('testsuites');
    const suites = all(root, 'testsuite');
    expect(suites.map((suite) => suite.attributes.name)).toEqual(builtInPacks.map((pack) => pack.name));
    const cases = all(root, 'testcase');
    expect(Number(root.attributes.tests)).toBe(cases.length);
    expect(Number(root.attributes.failures)).toBe(all(root, 'failure').length);
    expect(Number(root.attributes.skipped)).toBe(all(root, 'skipped').length);
    for (const suite of suites) {
      expect(Number(suite.attributes.tests)).toBe(all(suite, 'testcase').length);
      expect(Number(suite.attributes.failures)).toBe(all(suite, 'failure').length);
      expect(Number(suite.attributes.skipped)).toBe(all(suite, 'skipped').length);
      expect(suite.attributes.errors).toBe('0');
    }
    expect(all(root, 'failure').length).toBe(report.findings.length);
  });

  it('failures carry message, severity type, body and the file:line', () => {
    const failing = all(root, 'testcase').find((testCase) => testCase.attributes.name === 'RBAC001 ServiceAccount/a/ops');
    expect(failing?.attributes).toMatchObject({ classname: 'rbac.RBAC001', file: 'k8s/a&b <1>.yaml', line: '7' });
    const failure = failing?.children[0];
    expect(failure?.attributes).toMatchObject({ type: 'critical', message: expect.stringContaining('ServiceAccount a/ops') });
    expect(failure?.text).toContain('why: ');
    expect(failure?.text).toContain('at: k8s/a&b <1>.yaml:7');
  });

  it('passing checks are passing test cases, one per rule, named without counts', () => {
    const sa002 = all(root, 'testcase').filter((testCase) => testCase.attributes.classname === 'serviceaccount.SA002');
    // web fails, legacy is exempted, api (runs as ops) passes.
    expect(sa002.map((testCase) => testCase.attributes.name)).toEqual([
      'SA002 Deployment/a/web',
      'SA002 Deployment/a/legacy',
      "SA002 Workload runs as its namespace's default ServiceAccount",
    ]);
    expect(all(sa002[2] as Element, 'system-out')[0]?.text).toBe('1 of 3 target(s) pass');
    const sa011 = all(root, 'testcase').filter((testCase) => testCase.attributes.classname === 'serviceaccount.SA011');
    expect(sa011).toHaveLength(1);
    expect(sa011[0]?.children.map((child) => child.name)).toEqual(['system-out']);
  });

  it('escapes markup and drops control characters, keeping other text (astral characters too)', () => {
    const skipped = all(root, 'skipped')[0];
    expect(skipped?.attributes.message).toBe(
      'SA002 Deployment/a/legacy exempted by its own kubectl-sa.dev/exempt annotation: vendor <chart> & "friends" [31m 🚀',
    );
  });

  it('findings of a cluster scan have no file attribute', () => {
    const cluster = junitOf('cluster', () => undefined);
    const failing = all(cluster.root, 'testcase').filter((testCase) => all(testCase, 'failure').length > 0);
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.every((testCase) => testCase.attributes.file === undefined && testCase.attributes.line === undefined)).toBe(true);
  });
});
