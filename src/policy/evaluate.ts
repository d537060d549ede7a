import type { Inventory } from '../inventory/inventory.js';
import type { CompiledPack, CompiledRule } from './compile-pack.js';
import type { DerivedOptions, RbacView, UnknownAnswer } from './derived/scan-context.js';
import { TargetDocuments, type TargetDocument } from './derived/target-documents.js';
import { exemptionFor, honourAllExemptions, partitionExemptions, type Exemption, type ExemptionMode } from './exemptions.js';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { explainErrors, type FailureDetail } from './explain.js';
import { compareFindings, type ExemptedFinding, type Finding } from './finding.js';
import { renderTemplate } from './message-template.js';
import type { Severity } from './pack-types.js';

export interface EvaluateOptions {
  readonly now: Date;
  readonly rbac?: RbacView;
  readonly usage?: DerivedOptions['usage'];
  readonly exemptions?: readonly Exemption[];
  /** Which exemptions count (`--no-exemptions`, `--no-annotation-exemptions`); all by default. */
  readonly exemptionMode?: ExemptionMode;
  /** Keep every ServiceAccountProfile judged in `documents` (see TargetDocuments): for views that list them. */
  readonly keepProfiles?: boolean;
  /**
   * Keep what each finding's `details` and `document` are made from: the document it judged and ajv's errors
   * (default). A view that prints only the rule, object, message and explanation (the scan table) passes
   * false, so 200,000 findings do not hold 100,000 ServiceAccountProfiles and their errors until printed;
   * their `details` then throw and their `document` is undefined.
   */
  readonly keepDocuments?: boolean;
}

export interface Evaluation {
  /** Findings not exempted, sorted (compareFindings). */
  readonly findings: readonly Finding[];
  readonly exempted: readonly ExemptedFinding[];
  /** Critical findings an object's own annotation tried to exempt: they stand (only the exemptions file may). */
  readonly refusedExemptions: readonly ExemptedFinding[];
  /** Findings an exemption names that this run was told to ignore (`--no-exemptions`…): they stand. */
  readonly ignoredExemptions: readonly ExemptedFinding[];
  readonly expiredExemptions: readonly Exemption[];
  /** Questions the input could not answer, so rules said nothing rather than guess (incomplete cluster reads). */
  readonly unknown: readonly UnknownAnswer[];
  /** How many (rule, target) pairs the rules applied to, and their severity weights: the score's base. */
  readonly checks: {
    readonly applied: number;
    readonly weightApplied: number;
    readonly weightFailed: number;
    /** Per rule id: targets its `match` selected, and how many of those failed (exempted ones apart). */
    readonly byRule: ReadonlyMap<string, RuleChecks>;
  };
  /**
   * The documents the rules judged (derived documents built lazily, at most once): views that show what was
   * judged (the TUI's ServiceAccount rows, with `keepProfiles`) read them instead of deriving them a second
   * time. Without `keepProfiles` they are let go once judged (built again if asked).
   */
  readonly documents: TargetDocuments;
}

export interface RuleChecks {
  readonly applied: number;
  readonly failed: number;
  readonly exempted: number;
}

/** Weights for the score: a critical finding costs ten low ones; info findings cost nothing. */
export const severityWeight: Readonly<Record<Severity, number>> = { critical: 10, high: 5, medium: 3, low: 1, info: 0 };

/**
 * Runs packs over an inventory. Rules are indexed by target, and each target's documents are built once,
 * so the cost is (documents of a kind × rules for that kind), never rules × all objects. Pure and
 * synchronous: the same inventory, packs and `now` give the same findings.
 */
export function evaluatePolicies(inventory: Inventory, packs: readonly CompiledPack[], options: EvaluateOptions): Evaluation {
  const documents = new TargetDocuments(
    inventory,
    {
      now: options.now,
      ...(options.rbac ? { rbac: options.rbac } : {}),
      ...(options.usage ? { usage: options.usage } : {}),
    },
    options.keepProfiles,
  );
  const { active, expired } = partitionExemptions(options.exemptions ?? [], options.now);
  const judging = new Judging(active, options.exemptionMode ?? honourAllExemptions, options.keepDocuments ?? true);
  const byRule = new Map<string, RuleTally>();
  for (const pack of packs) for (const rule of pack.rules) byRule.set(rule.id, { applied: 0, failed: 0, exempted: 0 });

  for (const [target, rules] of indexRulesByTarget(packs)) {
    // Looked up once per rule, not once per (rule, document): a dense 10k scan makes 600,000 checks.
    const tallies = rules.map((rule) => byRule.get(rule.id) ?? { applied: 0, failed: 0, exempted: 0 });
    const weights = rules.map((rule) => severityWeight[rule.severity]);
    for (const targetDocument of documents.each(target)) judging.judge(targetDocument, rules, tallies, weights);
  }
  const { findings, exempted, refused, ignored } = judging;
  findings.sort(compareFindings);
  for (const list of [exempted, refused, ignored]) list.sort((a, b) => compareFindings(a.finding, b.finding));
  const unknown = documents.unknownAnswers();
  // Only a view that lists the profiles reads the documents again; for others they would stay built for
  // nothing until the report is printed.
  if (!options.keepProfiles) documents.forget();
  return {
    findings,
    exempted,
    refusedExemptions: refused,
    ignoredExemptions: ignored,
    expiredExemptions: expired,
    unknown,
    checks: { applied: judging.applied, weightApplied: judging.weightApplied, weightFailed: judging.weightFailed, byRule },
    documents,
  };
}

interface RuleTally {
  applied: number;
  failed: number;
  exempted: number;
}

/**
 * One evaluation's findings and counts, one document at a time. The check of one document against its target's
 * rules is a method of its own, not the body of evaluatePolicies' loop: V8 optimises a function called
 * thousands of times, where a loop run once is optimised on the stack and thrown back to the interpreter
 * each time the next target's documents change its shapes (measured: ~100 ms of a realistic 10k scan).
 */
class Judging {
  readonly findings: Finding[] = [];
  readonly exempted: ExemptedFinding[] = [];
  readonly refused: ExemptedFinding[] = [];
  readonly ignored: ExemptedFinding[] = [];
  applied = 0;
  weightApplied = 0;
  weightFailed = 0;

  constructor(
    private readonly active: readonly Exemption[],
    private readonly mode: ExemptionMode,
    private readonly keepDocuments: boolean,
  ) {}

  judge(targetDocument: TargetDocument, rules: readonly CompiledRule[], tallies: readonly RuleTally[], weights: readonly number[]): void {
    const { document } = targetDocument;
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index] as CompiledRule;
      if (rule.match && !rule.match(document)) continue;
      const counts = tallies[index] as RuleTally;
      const weight = weights[index] as number;
      counts.applied += 1;
      this.applied += 1;
      this.weightApplied += weight;
      if (rule.assert(document)) continue;
      const finding = new RuleFinding(rule, targetDocument, rule.assert.errors ?? [], this.keepDocuments);
      const exemption = exemptionFor(rule.id, rule.severity, targetDocument.metadata, targetDocument.object, this.active, this.mode);
      if (exemption?.kind === 'exempt') {
        counts.exempted += 1;
        this.exempted.push({ finding, ...exemption.decision });
        continue;
      }
      if (exemption) (exemption.kind === 'refused' ? this.refused : this.ignored).push({ finding, ...exemption.decision });
      counts.failed += 1;
      this.weightFailed += weight;
      this.findings.push(finding);
    }
  }
}

/** Rules grouped by target in pack order, so each target's documents are walked once. */
export function indexRulesByTarget(packs: readonly CompiledPack[]): Map<string, CompiledRule[]> {
  const index = new Map<string, CompiledRule[]>();
  for (const pack of packs) {
    for (const rule of pack.rules) {
      const list = index.get(rule.target);
      if (list) list.push(rule);
      else index.set(rule.target, [rule]);
    }
  }
  return index;
}

/**
 * A finding whose `details` (ajv's errors as sentences) are made when first read: -o json and SARIF read
 * them, a table of 20,000 findings does not. ajv hands a fresh errors array to each call, so keeping it is
 * safe. A class, not an object literal with a getter: V8 builds such a literal several times slower.
 * Without `keepDocuments`, neither the document nor the errors are kept (the explanation, made here, is
 * the last to read them).
 */
class RuleFinding implements Finding {
  readonly ruleId: string;
  readonly pack: string;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  readonly explanation: string;
  readonly target: string;
  readonly object: Finding['object'];
  readonly source: Finding['source'];
  readonly remediation: string;
  readonly fix: string | undefined;
  readonly references: readonly string[];
  readonly controls: Finding['controls'];
  readonly document: unknown;
  #errors: readonly ErrorObject[] | undefined;
  #podSpecPath: string | undefined;
  #details: readonly FailureDetail[] | undefined;
  #kept = true;

  constructor(rule: CompiledRule, target: TargetDocument, errors: readonly ErrorObject[], keepDocuments: boolean) {
    this.ruleId = rule.id;
    this.pack = rule.pack;
    this.severity = rule.severity;
    this.title = rule.title;
    this.message = renderTemplate(rule.spec.message, target.document);
    this.#errors = errors;
    this.#podSpecPath = target.podSpecPath;
    this.document = target.document;
    // A rule's own `explain` wins; when it renders empty (its optional parts all absent), ajv's account of
    // what failed still says why.
    this.explanation =
      (rule.spec.explain ? renderTemplate(rule.spec.explain, target.document) : '') ||
      this.details.map((detail) => detail.text).join('; ') ||
      'the target does not satisfy the rule';
    if (!keepDocuments) {
      this.document = undefined;
      this.#errors = undefined;
      this.#details = undefined;
      this.#kept = false;
    }
    this.target = rule.target;
    this.object = target.object;
    this.source = target.source;
    this.remediation = renderTemplate(rule.spec.remediation, target.document);
    this.fix = rule.spec.fix;
    this.references = rule.spec.references ?? [];
    this.controls = rule.spec.controls ?? [];
  }

  get details(): readonly FailureDetail[] {
    if (!this.#kept) throw new Error(`${this.ruleId} finding: details were not kept (evaluate with keepDocuments)`);
    if (this.#details === undefined) {
      this.#details = explainErrors(this.#errors ?? [], { document: this.document, podSpecPath: this.#podSpecPath });
      this.#errors = undefined;
    }
    return this.#details;
  }
}

/** 100 when nothing applicable failed; each failure costs its severity weight's share of the total. */
export function scoreOf(evaluation: Evaluation): number {
  const { weightApplied, weightFailed } = evaluation.checks;
  if (weightApplied === 0) return 100;
  return Math.round(100 * (1 - weightFailed / weightApplied));
}
