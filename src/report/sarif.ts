import path from 'node:path';
import type { CompiledPack, CompiledRule } from '../policy/compile-pack.js';
import type { Severity } from '../policy/pack-types.js';
import { STDIN_NAME } from '../inventory/inventory.js';
import { exemptionWords, objectLabel, type ReportExemption, type ReportFinding, type ScanReport } from './scan-report.js';

const level: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning ranks security alerts by this number (0–10), given as a string. */
const securitySeverity: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export interface SarifRendering {
  readonly text: string;
  /**
   * Findings left out because no file in the working tree holds their object (a cluster scan, stdin,
   * an implicit ServiceAccount): GitHub rejects a whole upload when any result lacks
   * `physicalLocation.artifactLocation.uri`, so such results cannot be in the file. The caller says so.
   */
  readonly unlocated: number;
}

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: every rule of the loaded packs with help text and a
 * security severity, and one result per finding located at its file and line (a relative, URI-encoded
 * path with forward slashes, as uploaded from the repository root), with a fingerprint that names rule
 * and object, not line, so an alert follows its object when lines move.
 */
export function renderSarif(report: ScanReport, packs: readonly CompiledPack[], toolVersion: string, cwd: string): SarifRendering {
  const rules = packs.flatMap((pack) => pack.rules);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const located = report.findings.filter((finding) => artifactUri(finding.source, cwd) !== undefined);
  const exempted = report.exempted.filter((item) => artifactUri(item.objectSource, cwd) !== undefined);
  const result = (finding: Pick<ReportFinding, 'ruleId' | 'severity' | 'object' | 'source'>, text: string) => ({
    ruleId: finding.ruleId,
    ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
    level: level[finding.severity],
    message: { text },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(finding.source, cwd) },
          region: { startLine: Math.max(1, finding.source?.line ?? 1) },
        },
        logicalLocations: [{ name: objectLabel(finding.object), kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'kubectlSaFinding/v1': `${finding.ruleId}:${objectLabel(finding.object)}` },
  });
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
            ...(/^\d+\.\d+\.\d+([-+].*)?$/.test(toolVersion) ? { semanticVersion: toolVersion } : {}),
            rules: rules.map(sarifRule),
          },
        },
        results: [
          ...located.map((finding) => result(finding, `${finding.message}: ${finding.explanation}`)),
          // Exempted findings are results too, suppressed: code scanning shows them as such, never loses them.
          ...exempted.map((item) => ({
            ...result({ ...item, source: item.objectSource }, item.message),
            suppressions: [suppression(item, cwd)],
          })),
        ],
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return { text: `${JSON.stringify(sarif, null, 2)}\n`, unlocated: report.findings.length - located.length };
}

/**
 * SARIF's suppression for an exemption: `external` for the exemptions file (with its location), `inSource` for
 * the object's own annotation; the justification says who, why and until when.
 */
function suppression(item: ReportExemption, cwd: string) {
  const uri = item.by === 'file' ? artifactUri(item.source, cwd) : undefined;
  return {
    kind: item.by === 'file' ? 'external' : 'inSource',
    status: 'accepted',
    justification: exemptionWords(item),
    ...(uri && item.source
      ? { location: { physicalLocation: { artifactLocation: { uri }, region: { startLine: Math.max(1, item.source.line) } } } }
      : {}),
  };
}

/** A message-template placeholder; its one group is the path (split() interleaves it with the text). */
const placeholder = /\{\{\s*\??\s*([^{}]+?)\s*\}\}/g;

function sarifRule(rule: CompiledRule) {
  const references = rule.spec.references ?? [];
  // Rule help has no target to quote: a placeholder reads as the field it stands for.
  const remediationText = rule.spec.remediation.replace(placeholder, '<$1>');
  const remediationMarkdown = rule.spec.remediation
    .split(placeholder)
    .map((part, index) => (index % 2 === 1 ? `\`<${part}>\`` : markdownText(part)))
    .join('');
  const about = `${rule.title}. Severity ${rule.severity}; judged on each ${rule.target} (pack ${rule.pack}).`;
  return {
    id: rule.id,
    name: pascalCase(rule.title),
    shortDescription: { text: rule.title },
    fullDescription: { text: about },
    help: {
      text: `${about}\n\nRemediation: ${remediationText}${references.length ? `\n\nReferences:\n${references.join('\n')}` : ''}`,
      markdown:
        `**${markdownText(rule.title)}** (severity ${rule.severity}, target \`${rule.target}\`, pack \`${rule.pack}\`)\n\n` +
        `**Remediation:** ${remediationMarkdown}` +
        `${references.length ? `\n\n**References:**\n${references.map((reference) => `- <${reference}>`).join('\n')}` : ''}`,
    },
    ...(references[0] ? { helpUri: references[0] } : {}),
    defaultConfiguration: { level: level[rule.severity] },
    // Control ids as tags (CIS-5.1.4): code scanning filters alerts by tag.
    properties: {
      tags: ['security', 'kubernetes', rule.pack, ...(rule.spec.controls ?? []).map((control) => control.id)],
      'security-severity': securitySeverity[rule.severity],
      precision: 'high',
    },
  };
}

/**
 * The finding's file as a SARIF artifact URI relative to the working directory: forward slashes, each
 * segment percent-encoded. Undefined when there is no file to point at (stdin or a pipe, a cluster object).
 */
function artifactUri(source: { readonly file: string } | null | undefined, cwd: string): string | undefined {
  const file = source?.file;
  // stdin, and pipes or devices (`-f <(helm template …)` reads /dev/fd/63), are no file of the repository.
  if (file === undefined || file === STDIN_NAME || /^\/(dev|proc)\//.test(file)) return undefined;
  const relative = path.isAbsolute(file) ? path.relative(cwd, file) : file;
  return relative
    .split(path.sep)
    .flatMap((segment) => segment.split('/'))
    .filter((segment) => segment !== '' && segment !== '.')
    .map((segment) => (segment === '..' ? segment : encodeURIComponent(segment)))
    .join('/');
}

/** Markdown-significant characters in rule text shown as themselves. */
function markdownText(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function pascalCase(text: string): string {
  return text
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
