import type { ObjectRef, SourceLocation } from '../inventory/inventory.js';
import type { ExemptionDecision } from './exemptions.js';
import type { FailureDetail } from './explain.js';
import { severityRank, type Severity } from './pack-types.js';

/** One rule failed by one target: the engine's result, which every renderer formats. */
export interface Finding {
  readonly ruleId: string;
  readonly pack: string;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  /** Why, in one sentence: the rule's `explain` template or the failed parts joined. */
  readonly explanation: string;
  readonly details: readonly FailureDetail[];
  /** The derived document or kind the rule judged. */
  readonly target: string;
  readonly object: ObjectRef;
  readonly source: SourceLocation | undefined;
  readonly remediation: string;
  readonly fix: string | undefined;
  readonly references: readonly string[];
  /** Benchmark controls the rule implements (CIS-5.1.4 …), from its pack. */
  readonly controls: readonly { readonly id: string; readonly title: string }[];
  /** The target document the rule judged: a fix's templates quote it. Not part of any report. */
  readonly document: unknown;
}

/** A finding an exemption names, with the exemption (exempted, refused or ignored: see ExemptionOutcome). */
export interface ExemptedFinding extends ExemptionDecision {
  readonly finding: Finding;
}

/**
 * The one order every output uses: most severe first, then rule id, then object, then position, so
 * reports diff cleanly between runs.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    compare(a.ruleId, b.ruleId) ||
    compare(a.object.kind, b.object.kind) ||
    compare(a.object.namespace ?? '', b.object.namespace ?? '') ||
    compare(a.object.name, b.object.name) ||
    compare(a.source?.file ?? '', b.source?.file ?? '') ||
    (a.source?.line ?? 0) - (b.source?.line ?? 0) ||
    compare(a.message, b.message)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
