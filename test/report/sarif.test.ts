import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/policy/finding.js';
import { renderSarif } from '../../src/report/sarif.js';
import { buildScanReport, type ScanReport } from '../../src/report/scan-report.js';
import { builtInPacks, scanObjects, clusterAdminObjects } from '../policy/scan-helper.js';

// GitHub code scanning's documented requirements for an uploaded SARIF file, checked structurally (the
// official schema cannot be downloaded here, and no installed package ships it). GitHub rejects the whole
// upload when one result lacks a file location, so that is checked for every result.
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity': unknown; precision: string };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
    logicalLocations?: { name: string }[];
  }[];
  partialFingerprints: Record<string, string>;
}
interface Sarif {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; informationUri: string; version: string; semanticVersion?: string; rules: SarifRule[] } };
    results: SarifResult[];
  }[];
}

const objects = [...clusterAdminObjects];

function reportWith(origin: 'files' | 'cluster', sourceOf: (finding: Finding, index: number) => Finding['source']): ScanReport {
  const scan = scanObjects(objects, { origin });
  return buildScanReport(
    scan.inventory,
    builtInPacks,
    {
      ...scan,
      findings: scan.findings.map((finding, index) => ({ ...finding, details: finding.details, source: sourceOf(finding, index) })),
    },
    'high',
  );
}

function render(report: ScanReport): { sarif: Sarif; unlocated: number } {
  const { text, unlocated } = renderSarif(report, builtInPacks, '0.1.0', '/repo');
  return { sarif: JSON.parse(text) as Sarif, unlocated };
}

describe('SARIF for GitHub code scanning', () => {
  const files = reportWith('files', (_finding, index) => ({
    file: index === 0 ? '/repo/k8s/my app.yaml' : 'k8s/app.yaml',
    line: 3 + index,
  }));
  const { sarif, unlocated } = render(files);
  const run = sarif.runs[0];

  it('is SARIF 2.1.0 with a named, versioned driver', () => {
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    expect(run?.tool.driver).toMatchObject({
      name: 'kubectl-sa',
      informationUri: expect.stringMatching(/^https:\/\//),
      version: '0.1.0',
      semanticVersion: '0.1.0',
    });
  });

  it('describes every loaded rule with help text, level, tags and a security severity', () => {
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id)).toEqual(builtInPacks.flatMap((pack) => pack.rules.map((rule) => rule.id)));
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.name, rule.id).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(rule.shortDescription.text.length, rule.id).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length, rule.id).toBeGreaterThan(0);
      expect(rule.help.text, rule.id).toContain('Remediation:');
      expect(rule.help.markdown, rule.id).toContain('**Remediation:**');
      // Templates have no target at rule level: no raw {{…}} in help.
      expect(`${rule.help.text}${rule.help.markdown}`, rule.id).not.toContain('{{');
      expect(['error', 'warning', 'note', 'none']).toContain(rule.defaultConfiguration.level);
      expect(rule.properties.tags).toContain('security');
      const severity = rule.properties['security-severity'];
      expect(typeof severity, rule.id).toBe('string');
      expect(Number(severity)).toBeGreaterThanOrEqual(0);
      expect(Number(severity)).toBeLessThanOrEqual(10);
      if (rule.helpUri !== undefined) expect(rule.helpUri).toMatch(/^https?:\/\//);
    }
    // Each rule that implements a CIS 5.1 control is tagged with it (docs/coverage.md).
    const rbac005 = rules.find((rule) => rule.id === 'RBAC005');
    expect(rbac005?.properties.tags).toContain('CIS-5.1.4');
    const controls = new Set(rules.flatMap((rule) => rule.properties.tags.filter((tag) => tag.startsWith('CIS-'))));
    expect([...controls].sort()).toEqual(Array.from({ length: 13 }, (_, index) => `CIS-5.1.${index + 1}`).sort());
    const sa002 = rules.find((rule) => rule.id === 'SA002');
    expect(sa002?.help.markdown).toContain('`<podSpecPath>`.serviceAccountName');
  });

  it('locates every result at a relative, encoded, forward-slash file path and a line ≥ 1', () => {
    const rules = run?.tool.driver.rules ?? [];
    expect(unlocated).toBe(0);
    expect(run?.results.length).toBe(files.findings.length);
    for (const result of run?.results ?? []) {
      expect(rules[result.ruleIndex]?.id).toBe(result.ruleId);
      expect(['error', 'warning', 'note', 'none']).toContain(result.level);
      expect(result.message.text.length).toBeGreaterThan(0);
      expect(result.locations).toHaveLength(1);
      const { artifactLocation, region } = result.locations[0]?.physicalLocation ?? {
        artifactLocation: { uri: '' },
        region: { startLine: 0 },
      };
      expect(artifactLocation.uri).not.toMatch(/^\/|\\|^[a-z]+:|[<> ]/i);
      expect(Number.isInteger(region.startLine) && region.startLine >= 1).toBe(true);
      expect(Object.values(result.partialFingerprints).every((value) => typeof value === 'string' && value.length > 0)).toBe(true);
    }
    expect(run?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('k8s/my%20app.yaml');
    expect(run?.results[1]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('k8s/app.yaml');
  });

  it('fingerprints name rule and object, not line, so alerts follow their object across runs', () => {
    const moved = render(reportWith('files', (_finding, index) => ({ file: 'k8s/app.yaml', line: 40 + index }))).sarif;
    expect(moved.runs[0]?.results.map((result) => result.partialFingerprints)).toEqual(
      run?.results.map((result) => result.partialFingerprints),
    );
  });

  it('leaves out findings no file holds (a cluster scan, stdin) and counts them, since GitHub rejects unlocated results', () => {
    const cluster = reportWith('cluster', () => undefined);
    expect(cluster.findings.length).toBeGreaterThan(0);
    expect(cluster.findings.every((finding) => finding.source === null)).toBe(true);
    const fromCluster = render(cluster);
    expect(fromCluster.sarif.runs[0]?.results).toEqual([]);
    expect(fromCluster.unlocated).toBe(cluster.findings.length);
    expect(fromCluster.sarif.runs[0]?.tool.driver.rules.length).toBeGreaterThan(0);

    const stdin = render(reportWith('files', () => ({ file: '<stdin>', line: 4 })));
    expect(stdin.sarif.runs[0]?.results).toEqual([]);
    expect(stdin.unlocated).toBe(files.findings.length);
  });
});
