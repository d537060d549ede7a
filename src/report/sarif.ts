import path from 'node:path';
import type { CompiledPack } from '../policy/compile-pack.js';
import type { Severity } from '../policy/pack-types.js';
import { objectLabel, type ScanReport } from './scan-report.js';

const level: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning ranks security alerts by this number (0–10). */
const securitySeverity: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: every rule of the loaded packs with help text, and one
 * result per finding located at its file and line (relative to the working directory, as uploaded from
 * the repository root). Findings about objects with no file (a namespace's implicit default
 * ServiceAccount no workload points at) carry no location.
 */
export function renderSarif(report: ScanReport, packs: readonly CompiledPack[], toolVersion: string, cwd: string): string {
  const rules = packs.flatMap((pack) => pack.rules);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kubectl-sa',
            informationUri: 'https://kubectl-sa.dev',
            version: toolVersion,
            rules: rules.map((rule) => ({
              id: rule.id,
              name: pascalCase(rule.title),
              shortDescription: { text: rule.title },
              fullDescription: { text: `${rule.title} (pack ${rule.pack}, target ${rule.target}).` },
              help: {
                text: `${rule.spec.remediation}${rule.spec.references?.length ? `\n\nReferences:\n${rule.spec.references.join('\n')}` : ''}`,
                markdown: `${rule.spec.remediation}${rule.spec.references?.length ? `\n\n${rule.spec.references.map((reference) => `- <${reference}>`).join('\n')}` : ''}`,
              },
              ...(rule.spec.references?.[0] ? { helpUri: rule.spec.references[0] } : {}),
              defaultConfiguration: { level: level[rule.severity] },
              properties: { tags: ['security', 'kubernetes', rule.pack], 'security-severity': securitySeverity[rule.severity], precision: 'high' },
            })),
          },
        },
        results: report.findings.map((finding) => ({
          ruleId: finding.ruleId,
          ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
          level: level[finding.severity],
          message: { text: `${finding.message}: ${finding.explanation}` },
          ...(finding.source
            ? {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: artifactUri(finding.source.file, cwd) },
                      region: { startLine: finding.source.line },
                    },
                    logicalLocations: [{ name: objectLabel(finding.object), kind: 'resource' }],
                  },
                ],
              }
            : {}),
          partialFingerprints: { 'kubectlSaFinding/v1': `${finding.ruleId}:${objectLabel(finding.object)}` },
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function artifactUri(file: string, cwd: string): string {
  const relative = path.isAbsolute(file) ? path.relative(cwd, file) : file;
  return relative.split(path.sep).join('/');
}

function pascalCase(text: string): string {
  return text
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
