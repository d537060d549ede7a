import type { Inventory, SourceLocation } from '../inventory/inventory.js';
import type { CompiledPack } from '../policy/compile-pack.js';
import type { UnknownAnswer } from '../policy/derived/scan-context.js';
import type { Evaluation } from '../policy/evaluate.js';
import { scoreOf } from '../policy/evaluate.js';
import type { FailureDetail } from '../policy/explain.js';
import { exemptAnnotation } from '../policy/exemptions.js';
import type { ExemptedFinding, Finding } from '../policy/finding.js';
import { severities, severityRank, type Severity } from '../policy/pack-types.js';

/** `--fail-on`: a severity, or `none` to always exit 0 on a completed scan. */
export type FailOn = Severity | 'none';

export interface ReportFinding {
  readonly ruleId: string;
  readonly pack: string;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  readonly explanation: string;
  readonly details: readonly FailureDetail[];
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly namespace: string | null; readonly name: string };
  readonly source: { readonly file: string; readonly line: number; readonly template?: string } | null;
  /**
   * The field of the source object the finding is about (the one its fix changes, else the pod spec or the
   * object), as a JSON pointer, and its line in the file (the nearest enclosing node's line when the field is
   * absent); line is null when no file holds the object. Only in -o json/yaml.
   */
  readonly field?: { readonly pointer: string; readonly line: number | null };
  readonly remediation: string;
  readonly fix: string | null;
  readonly references: readonly string[];
  /** Benchmark controls the rule implements: `{ id: CIS-5.1.4, title }` (docs/coverage.md). */
  readonly controls: readonly { readonly id: string; readonly title: string }[];
}

/** A finding an exemption names, and the exemption: who wrote it (`by`), where (`source`), why and until when. */
export interface ReportExemption {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly object: ReportFinding['object'];
  /** Where the object is (the finding's file:line). */
  readonly objectSource: ReportFinding['source'];
  readonly by: 'annotation' | 'file';
  readonly reason: string;
  readonly expires: string | null;
  /**
   * Where the exemption is written: the exemptions file's entry, or for `by: annotation` the object itself
   * (its `kubectl-sa.dev/exempt` annotation); null when no file holds it (a cluster object).
   */
  readonly source: SourceRef | null;
}

/**
 * The documented `kubectl sa scan -o json|yaml` shape (docs/output-formats.md). Versioned by apiVersion;
 * fields are only ever added. Findings are sorted most severe first (compareFindings).
 */
export interface ScanReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'ScanReport';
  readonly summary: {
    readonly objects: number;
    readonly findings: number;
    readonly bySeverity: Readonly<Record<Severity, number>>;
    readonly exempted: number;
    /** `exempted`, by where the exemption is written: the exemptions file, or the object's own annotation. */
    readonly exemptedBy: { readonly file: number; readonly annotation: number };
    /** Critical findings an object's annotation tried to exempt: they stand (only an exemptions file may). */
    readonly refusedExemptions: number;
    /** Findings an exemption names that `--no-exemptions`/`--no-annotation-exemptions` kept: they stand. */
    readonly ignoredExemptions: number;
    readonly expiredExemptions: number;
    /** 0–100: the severity-weighted share of applicable checks that passed. */
    readonly score: number;
    readonly failOn: FailOn;
    /** True when a finding is at or above failOn: the exit code is then 1. */
    readonly failed: boolean;
    readonly packs: readonly { readonly name: string; readonly version: string; readonly rules: number }[];
    /**
     * Per rule: targets it judged (`checked`), those that failed and those exempted; the rest passed.
     * CI views (JUnit) show passing checks from it.
     */
    readonly rules: readonly { readonly id: string; readonly checked: number; readonly failed: number; readonly exempted: number }[];
    /** ServiceAccounts about which a question had no answer (see `coverage.unknown`): no finding was guessed. */
    readonly unknown: number;
  };
  /**
   * What the input showed completely. Files are the whole input; a cluster read lists each kind it could not
   * read everywhere it needed (forbidden, not served), and the questions left unanswered because of that.
   */
  readonly coverage: {
    readonly complete: boolean;
    readonly unread: readonly {
      readonly group: string;
      readonly kind: string;
      readonly namespace: string | null;
      readonly state: string;
    }[];
    readonly unknown: readonly {
      readonly question: UnknownAnswer['question'];
      readonly serviceAccounts: number;
      readonly namespaces: readonly { readonly namespace: string; readonly gap: string }[];
      readonly message: string;
    }[];
  };
  readonly findings: readonly ReportFinding[];
  readonly exempted: readonly ReportExemption[];
  /** Critical findings whose own annotation tried to exempt them: each is among `findings` too. */
  readonly refusedExemptions: readonly ReportExemption[];
  /** Findings an exemption names that this run ignored (`--no-exemptions`, `--no-annotation-exemptions`): among `findings`. */
  readonly ignoredExemptions: readonly ReportExemption[];
  readonly expiredExemptions: readonly {
    readonly rules: readonly string[];
    readonly object: { readonly kind?: string; readonly namespace?: string; readonly name?: string };
    readonly reason: string;
    readonly expires: string | null;
    readonly source: { readonly file: string; readonly line: number };
  }[];
  /**
   * What the reader should know about the input (the same lines as on stderr): documents skipped, kinds not
   * read, documents that replace earlier ones, a namespace the manifests seem to want (-n).
   */
  readonly notes: readonly { readonly level: string; readonly message: string; readonly source: SourceRef | null }[];
  /** Every document whose identity an earlier one had: both are judged; RBAC answers use the later. */
  readonly replacedDocuments: readonly {
    readonly object: ReportFinding['object'];
    readonly earlier: SourceRef | null;
    readonly later: SourceRef | null;
  }[];
}

type SourceRef = { readonly file: string; readonly line: number };

function sourceRef(source: SourceLocation | undefined): SourceRef | null {
  return source ? { file: source.file, line: source.line } : null;
}

export function failsAt(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  return findings.some((finding) => severityRank(finding.severity) <= severityRank(failOn));
}

export function buildScanReport(
  inventory: Inventory,
  packs: readonly CompiledPack[],
  evaluation: Evaluation,
  failOn: FailOn,
  locate?: FieldLocator,
): ScanReport {
  const bySeverity = Object.fromEntries(severities.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const finding of evaluation.findings) bySeverity[finding.severity] += 1;
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'ScanReport',
    summary: {
      objects: inventory.entries.length,
      findings: evaluation.findings.length,
      bySeverity,
      exempted: evaluation.exempted.length,
      exemptedBy: {
        file: evaluation.exempted.filter((item) => item.by === 'file').length,
        annotation: evaluation.exempted.filter((item) => item.by === 'annotation').length,
      },
      refusedExemptions: evaluation.refusedExemptions.length,
      ignoredExemptions: evaluation.ignoredExemptions.length,
      expiredExemptions: evaluation.expiredExemptions.length,
      score: scoreOf(evaluation),
      failOn,
      failed: failsAt(evaluation.findings, failOn),
      packs: packs.map((pack) => ({ name: pack.name, version: pack.version, rules: pack.rules.length })),
      rules: packs.flatMap((pack) =>
        pack.rules.map((rule) => {
          const counts = evaluation.checks.byRule.get(rule.id);
          return { id: rule.id, checked: counts?.applied ?? 0, failed: counts?.failed ?? 0, exempted: counts?.exempted ?? 0 };
        }),
      ),
      unknown: evaluation.unknown.reduce((sum, answer) => sum + answer.count, 0),
    },
    coverage: coverageOf(inventory, evaluation),
    findings: evaluation.findings.map((finding) => reportFinding(finding, locate)),
    exempted: evaluation.exempted.map(reportExemption),
    refusedExemptions: evaluation.refusedExemptions.map(reportExemption),
    ignoredExemptions: evaluation.ignoredExemptions.map(reportExemption),
    notes: inventory.notes.map((note) => ({ level: note.level, message: note.message, source: sourceRef(note.source) })),
    replacedDocuments: inventory.replacements.map(({ earlier, later }) => ({
      object: {
        apiVersion: later.ref.apiVersion,
        kind: later.ref.kind,
        namespace: later.ref.namespace ?? null,
        name: later.ref.name,
      },
      earlier: sourceRef(earlier.source),
      later: sourceRef(later.source),
    })),
    expiredExemptions: evaluation.expiredExemptions.map((exemption) => ({
      rules: exemption.rules,
      object: exemption.object,
      reason: exemption.reason,
      expires: exemption.expires ?? null,
      source: exemption.source,
    })),
  };
}

const questionWords: Readonly<Record<UnknownAnswer['question'], string>> = {
  'service-account-exists': 'whether they exist is unknown, so no finding says they are missing',
  'service-account-object':
    'what they set (automountServiceAccountToken, annotations) is unknown, so no finding says their pods get a token or that they leave automount on',
  'rbac-complete': 'whether they hold any permission of their own is unknown (RBAC objects not read), so no finding says they have none',
  'escalation-targets-exist': 'what they can gain by escalation counts only ServiceAccounts known to exist; others, not read, may add more',
};

function coverageOf(inventory: Inventory, evaluation: Evaluation): ScanReport['coverage'] {
  const unread = inventory.coverage.records
    .filter((record) => record.state !== 'listed')
    .map((record) => ({ group: record.group, kind: record.kind, namespace: record.namespace ?? null, state: record.state }));
  const unknown = evaluation.unknown.map((answer) => {
    const gaps = [...new Set(answer.namespaces.map((entry) => entry.gap))].join(', ');
    const shown = answer.namespaces.slice(0, 5).map((entry) => entry.namespace);
    const more = answer.namespaces.length > shown.length ? ` and ${answer.namespaces.length - shown.length} more` : '';
    return {
      question: answer.question,
      serviceAccounts: answer.count,
      namespaces: answer.namespaces,
      message: `${answer.count} ServiceAccount(s) in namespace(s) ${shown.join(', ')}${more} (${gaps}): ${questionWords[answer.question]}`,
    };
  });
  return { complete: inventory.coverage.wholeWorld || (unread.length === 0 && unknown.length === 0), unread, unknown };
}

/** Where each finding's field is, when the caller looked it up (scan -o json|yaml does). */
export type FieldLocator = (finding: Finding) => ReportFinding['field'] | undefined;

export function reportFinding(finding: Finding, locate?: FieldLocator): ReportFinding {
  return new ReportedFinding(finding, locate?.(finding));
}

/**
 * A finding as reports show it: a view of the finding, each field read from it when printed (a report may
 * hold 200,000 findings; copies of their fields, objects and sources were 48 MB of a dense 100k scan). A
 * class, because V8 builds an object literal with getters several times slower. Reports are printed through
 * toJSON or scanReportDocument, which give plain data; a caller that wants a plain copy of one finding
 * takes it from there, not by spreading this.
 */
class ReportedFinding implements ReportFinding {
  readonly field?: ReportFinding['field'];
  readonly #finding: Finding;

  constructor(finding: Finding, field: ReportFinding['field'] | undefined) {
    this.#finding = finding;
    if (field) this.field = field;
  }

  get ruleId(): string {
    return this.#finding.ruleId;
  }

  get pack(): string {
    return this.#finding.pack;
  }

  get severity(): Severity {
    return this.#finding.severity;
  }

  get title(): string {
    return this.#finding.title;
  }

  get message(): string {
    return this.#finding.message;
  }

  get explanation(): string {
    return this.#finding.explanation;
  }

  get details(): readonly FailureDetail[] {
    return this.#finding.details;
  }

  get object(): ReportFinding['object'] {
    return objectOf(this.#finding);
  }

  get source(): ReportFinding['source'] {
    const { source } = this.#finding;
    return source ? { file: source.file, line: source.line, ...(source.template ? { template: source.template } : {}) } : null;
  }

  get remediation(): string {
    return this.#finding.remediation;
  }

  get fix(): string | null {
    return this.#finding.fix ?? null;
  }

  get references(): readonly string[] {
    return this.#finding.references;
  }

  get controls(): ReportFinding['controls'] {
    return this.#finding.controls;
  }

  toJSON(): ReportFinding {
    return findingDocument(this);
  }
}

/** A finding as plain data, every field in the documented order (docs/output-formats.md). */
function findingDocument(finding: ReportFinding): ReportFinding {
  return {
    ruleId: finding.ruleId,
    pack: finding.pack,
    severity: finding.severity,
    title: finding.title,
    message: finding.message,
    explanation: finding.explanation,
    details: finding.details,
    object: finding.object,
    source: finding.source,
    ...(finding.field ? { field: finding.field } : {}),
    remediation: finding.remediation,
    fix: finding.fix,
    references: finding.references,
    controls: finding.controls,
  };
}

/** What -o json and -o yaml print: the report as plain data, each finding with its details. */
export function scanReportDocument(report: ScanReport): ScanReport {
  return { ...report, findings: report.findings.map(findingDocument) };
}

function reportExemption(item: ExemptedFinding): ReportExemption {
  const { finding } = item;
  const objectSource = finding.source ? { file: finding.source.file, line: finding.source.line } : null;
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    object: objectOf(finding),
    objectSource,
    by: item.by,
    reason: item.reason,
    expires: item.expires ?? null,
    source: item.source ? { file: item.source.file, line: item.source.line } : objectSource,
  };
}

function objectOf(finding: Finding): ReportFinding['object'] {
  const { apiVersion, kind, namespace, name } = finding.object;
  return { apiVersion, kind, namespace: namespace ?? null, name };
}

/** `kind/namespace/name` or `kind/name`, as the table and test output show objects. */
export function objectLabel(object: { kind: string; namespace?: string | null; name: string }): string {
  return object.namespace ? `${object.kind}/${object.namespace}/${object.name}` : `${object.kind}/${object.name}`;
}

function exemptedWords(by: ScanReport['summary']['exemptedBy']): string {
  return [by.file > 0 ? `${by.file} by the exemptions file` : '', by.annotation > 0 ? `${by.annotation} by annotation` : '']
    .filter((part) => part !== '')
    .join(', ');
}

/** One exemption in words, the same in every format: who exempted what, where that is written, why, until when. */
export function exemptionWords(item: ReportExemption): string {
  const where = item.source ? ` (${item.source.file}:${item.source.line})` : '';
  const who = item.by === 'file' ? `the exemptions file${where}` : `its own ${exemptAnnotation} annotation${where}`;
  return `${item.ruleId} ${objectLabel(item.object)} exempted by ${who}${item.expires ? ` until ${item.expires}` : ''}: ${item.reason}`;
}

/** The exempted and refused findings as plain lines, for the table (and anything else that prints text). */
export function exemptionLines(report: ScanReport): string[] {
  const lines: string[] = [];
  if (report.exempted.length > 0) {
    lines.push(`Exempted (${report.exempted.length}):`, ...report.exempted.map((item) => `  ${exemptionWords(item)}`));
  }
  if (report.refusedExemptions.length > 0) {
    lines.push(
      `Refused self-exemptions (${report.refusedExemptions.length}): an object's own annotation cannot exempt a critical finding, only an exemptions file can; reported above:`,
      ...report.refusedExemptions.map((item) => `  ${exemptionWords(item).replace(' exempted by ', ' named by ')}`),
    );
  }
  return lines;
}

export function summaryLine(report: ScanReport): string {
  const { summary } = report;
  const counts = severities
    .filter((severity) => summary.bySeverity[severity] > 0)
    .map((severity) => `${summary.bySeverity[severity]} ${severity}`);
  const parts = [
    `${summary.findings} finding${summary.findings === 1 ? '' : 's'}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`,
    `${summary.objects} objects`,
    ...(summary.exempted > 0 ? [`${summary.exempted} exempted (${exemptedWords(summary.exemptedBy)})`] : []),
    ...(summary.refusedExemptions > 0 ? [`${summary.refusedExemptions} self-exemption(s) of critical findings refused`] : []),
    ...(summary.ignoredExemptions > 0 ? [`${summary.ignoredExemptions} exemption(s) ignored`] : []),
    ...(summary.expiredExemptions > 0 ? [`${summary.expiredExemptions} expired exemption(s)`] : []),
    ...(summary.unknown > 0 ? [`${summary.unknown} unknown`] : []),
    `score ${summary.score}/100`,
  ];
  return parts.join(' · ');
}
