import type { Inventory } from '../inventory/inventory.js';
import type { RbacView } from '../policy/derived/scan-context.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import type { CompiledPack } from '../policy/compile-pack.js';
import { evaluatePolicies, type Evaluation } from '../policy/evaluate.js';
import { exemptAnnotation, type ExemptionMode } from '../policy/exemptions.js';
import { loadExemptions, loadPolicies, type LoadPoliciesOptions } from './load-policies.js';
import { compileRiskFacts } from '../rbac/risk-facts.js';
import { buildScanReport, type FailOn, type ScanReport } from '../report/scan-report.js';
import type { ClusterConnection } from '../sources/cluster/connect.js';
import type { AuditLogOptions } from './audit-usage.js';
import type { Outcome, Warning } from './outcome.js';
import { rbacViewFor } from './rbac-input.js';
import { locateFindingFields } from './finding-fields.js';
import { fixesOf } from '../policy/fix-index.js';
import { readInput, type InputOptions } from './read-input.js';
import { usageFactsFor } from './usage-facts.js';

export interface JudgeOptions {
  readonly input: InputOptions;
  readonly policies: LoadPoliciesOptions;
  /** An Exemptions file (--exemptions). */
  readonly exemptionsFile?: string | undefined;
  /** Which exemptions count: `--no-exemptions`, `--no-annotation-exemptions` (audits); all by default. */
  readonly exemptionMode?: ExemptionMode | undefined;
  /** "Now" for expiries and ages; injected so reports are reproducible. */
  readonly now: Date;
  /** Whether Kubernetes' default RBAC counts (--default-rbac). */
  readonly defaultRbac: boolean;
  /** `--audit-log`: profiles carry what each ServiceAccount did (`usage`), for the usage pack's rules. */
  readonly auditLog?: AuditLogOptions | undefined;
  /** Told as each stage starts, so an interactive view can say what it is waiting for. */
  readonly onStage?: ((stage: JudgeStage) => void) | undefined;
  /** Keep the ServiceAccountProfiles judged in the evaluation's documents: the TUI lists them all. */
  readonly keepProfiles?: boolean | undefined;
  /**
   * Keep each finding's document and ajv's errors, for its details, fixes and field (EvaluateOptions):
   * true unless the view prints neither (the scan table).
   */
  readonly keepDocuments?: boolean | undefined;
}

export type JudgeStage = 'packs' | 'reading' | 'judging';

export interface ScanOptions extends JudgeOptions {
  readonly failOn: FailOn;
  /** Look up each finding's field (pointer and line) for the report: only -o json|yaml print it. */
  readonly locateFields?: boolean | undefined;
}

/** The input judged by the packs: what scan reports and fix plans start from. */
export interface Judgement {
  readonly packs: readonly CompiledPack[];
  readonly inventory: Inventory;
  readonly connection: ClusterConnection | undefined;
  readonly evaluation: Evaluation;
  /** The RBAC model's warnings (a binding to a role that is not in the input, say). */
  readonly warnings: readonly Warning[];
  /** The RBAC answers the evaluation used (fix planning asks them too). */
  readonly rbac: RbacView;
  /** The model under those answers (permissions and who-can for one account, asked later by the TUI). */
  readonly model: RbacModel;
}

export interface ScanResult {
  readonly report: ScanReport;
  readonly packs: readonly CompiledPack[];
  readonly inventory: Inventory;
  readonly evaluation: Evaluation;
}

/** Loads packs (first, so a broken pack is reported before any manifest is read), reads the input and evaluates. */
export async function judge(options: JudgeOptions): Promise<Judgement> {
  options.onStage?.('packs');
  const { packs, facts } = await loadPolicies(options.policies);
  const exemptions = options.exemptionsFile ? await loadExemptions(options.exemptionsFile) : [];
  options.onStage?.('reading');
  const { inventory, connection } = await readInput(options.input);
  options.onStage?.('judging');
  // The shipped default RBAC also tells which input bindings are Kubernetes' own (judged apart), with
  // or without --default-rbac and on a live cluster alike.
  const rbac = rbacViewFor(inventory, { defaultRbac: options.defaultRbac, riskFacts: compileRiskFacts(facts) });
  // The log reader (and zlib under it) loads only for --audit-log.
  const auditUsage = options.auditLog ? await import('./audit-usage.js') : undefined;
  const usageRead = options.auditLog && auditUsage ? await auditUsage.aggregateAuditLogs(options.auditLog) : undefined;
  const usage = usageRead ? usageFactsFor(usageRead.log, inventory, rbac.model) : undefined;
  const evaluation = evaluatePolicies(inventory, packs, {
    now: options.now,
    rbac: rbac.view,
    exemptions,
    ...(options.exemptionMode ? { exemptionMode: options.exemptionMode } : {}),
    ...(usage ? { usage } : {}),
    ...(options.keepProfiles ? { keepProfiles: true } : {}),
    ...(options.keepDocuments === false ? { keepDocuments: false } : {}),
  });
  const warnings: Warning[] = [...rbac.warnings, ...exemptionWarnings(evaluation)];
  if (usageRead && auditUsage) warnings.push(...auditUsage.auditLogWarnings(usageRead.summary));
  return { packs, inventory, connection, evaluation, warnings, rbac: rbac.view, model: rbac.model };
}

/**
 * What exemptions did that the findings alone would not show: a critical finding an object's annotation tried
 * to hide (a warning each, at the object), and findings reported although an exemption names them.
 */
function exemptionWarnings(evaluation: Evaluation): Warning[] {
  const warnings: Warning[] = evaluation.refusedExemptions.map(({ finding }) => ({
    message:
      `${finding.object.kind} ${finding.object.namespace ? `${finding.object.namespace}/` : ''}${finding.object.name}: its ${exemptAnnotation} ` +
      `annotation cannot exempt critical ${finding.ruleId}; only an exemptions file (--exemptions) can, so the finding stands`,
    ...(finding.source ? { source: { file: finding.source.file, line: finding.source.line } } : {}),
  }));
  const ignored = evaluation.ignoredExemptions;
  if (ignored.length > 0) {
    const byFile = ignored.filter((item) => item.by === 'file').length;
    warnings.push({
      message: `${ignored.length} finding(s) an exemption names are reported all the same (${byFile} by the exemptions file, ${ignored.length - byFile} by annotation): exemptions turned off for this run`,
    });
  }
  return warnings;
}

/** Judges the input with the packs: `kubectl sa scan`. */
export async function scan(options: ScanOptions): Promise<Outcome<ScanResult>> {
  // Fields are looked up in the texts as read: no second copy of a large file.
  const texts = options.locateFields ? new Map<string, string>() : undefined;
  const input = texts ? { ...options.input, onText: (file: string, text: string) => texts.set(file, text) } : options.input;
  const { packs, inventory, evaluation, warnings } = await judge({ ...options, input });
  const locate = texts ? locateFindingFields(evaluation.findings, fixesOf(packs), texts) : undefined;
  const report = buildScanReport(inventory, packs, evaluation, options.failOn, locate);
  return { data: { report, packs, inventory, evaluation }, notes: inventory.notes, warnings: [...warnings, ...expiredWarnings(report)] };
}

/** An exemption past its expiry no longer applies: said as a warning naming its file and line. */
export function expiredWarnings(report: ScanReport): Warning[] {
  return report.expiredExemptions.map((exemption) => ({
    message: `exemption for ${exemption.rules.join(', ')} expired on ${exemption.expires ?? '?'} and no longer applies`,
    source: { file: exemption.source.file, line: exemption.source.line },
  }));
}
