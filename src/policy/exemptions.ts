import type { ObjectRef } from '../inventory/inventory.js';
import type { ObjectMeta } from '../inventory/kube-object.js';
import type { Severity } from './pack-types.js';

export const exemptAnnotation = 'kubectl-sa.dev/exempt';
export const exemptReasonAnnotation = 'kubectl-sa.dev/exempt-reason';

/** One entry of an exemptions file (`--exemptions FILE`; its schema is `exemptionsSchema` in exemptions-file.ts). */
export interface Exemption {
  /** Rule ids, or `*` for every rule. */
  readonly rules: readonly string[];
  /** Each field may use `*` as a wildcard; absent fields match anything. */
  readonly object: { readonly kind?: string; readonly namespace?: string; readonly name?: string };
  readonly reason: string;
  /** `YYYY-MM-DD` (valid through that day, UTC) or an RFC 3339 time. */
  readonly expires?: string;
  readonly source: { readonly file: string; readonly line: number };
}

export interface ExemptionDecision {
  readonly by: 'annotation' | 'file';
  readonly reason: string;
  readonly expires?: string;
  /** Where the exemption is written: the exemptions file's entry; absent for an annotation (the object's own). */
  readonly source?: { readonly file: string; readonly line: number };
}

/** Which exemptions a run honours: `--no-annotation-exemptions` leaves out the objects' own, `--no-exemptions` all. */
export interface ExemptionMode {
  readonly file: boolean;
  readonly annotations: boolean;
}

export const honourAllExemptions: ExemptionMode = { file: true, annotations: true };

/**
 * What becomes of a finding an exemption names: `exempt` (not reported as a finding, counted and listed as
 * exempted), `refused` (an object's annotation may not exempt a critical finding: it stands, and the attempt is
 * reported), `ignored` (the run turned that kind of exemption off: it stands, and is counted).
 */
export type ExemptionOutcome = { readonly kind: 'exempt' | 'refused' | 'ignored'; readonly decision: ExemptionDecision } | undefined;

/**
 * Decides whether a finding is exempt. The exemptions file first: it is reviewed apart from the objects, can
 * expire, and is the one authority for critical findings. Then the object's own annotation, which anyone who
 * may annotate the object can write: it never exempts a critical finding (anyone who can annotate a
 * cluster-admin ServiceAccount would otherwise hide RBAC001). Expired file entries never apply; the caller
 * reports them via `expiredExemptions`.
 */
export function exemptionFor(
  ruleId: string,
  severity: Severity,
  metadata: ObjectMeta,
  object: ObjectRef,
  active: readonly Exemption[],
  mode: ExemptionMode = honourAllExemptions,
): ExemptionOutcome {
  const file = fileExemption(ruleId, object, active);
  if (file && mode.file) return { kind: 'exempt', decision: file };
  const annotation = annotationExemption(ruleId, metadata);
  if (annotation && mode.annotations) return { kind: severity === 'critical' ? 'refused' : 'exempt', decision: annotation };
  const unused = file ?? annotation;
  return unused ? { kind: 'ignored', decision: unused } : undefined;
}

function fileExemption(ruleId: string, object: ObjectRef, active: readonly Exemption[]): ExemptionDecision | undefined {
  for (const exemption of active) {
    if (!exemption.rules.some((rule) => rule === '*' || rule === ruleId)) continue;
    if (!globMatches(exemption.object.kind, object.kind)) continue;
    if (!globMatches(exemption.object.namespace, object.namespace ?? '')) continue;
    if (!globMatches(exemption.object.name, object.name)) continue;
    return { by: 'file', reason: exemption.reason, ...(exemption.expires ? { expires: exemption.expires } : {}), source: exemption.source };
  }
  return undefined;
}

function annotationExemption(ruleId: string, metadata: ObjectMeta): ExemptionDecision | undefined {
  const annotation = metadata.annotations?.[exemptAnnotation];
  if (typeof annotation !== 'string' || !listsRule(annotation, ruleId)) return undefined;
  const reason = metadata.annotations?.[exemptReasonAnnotation];
  return { by: 'annotation', reason: typeof reason === 'string' && reason !== '' ? reason : '(no reason given)' };
}

/** Splits exemptions into those still in force and those past their expiry at `now`. */
export function partitionExemptions(exemptions: readonly Exemption[], now: Date): { active: Exemption[]; expired: Exemption[] } {
  const active: Exemption[] = [];
  const expired: Exemption[] = [];
  for (const exemption of exemptions) (isExpired(exemption.expires, now) ? expired : active).push(exemption);
  return { active, expired };
}

function isExpired(expires: string | undefined, now: Date): boolean {
  if (expires === undefined) return false;
  // A bare date means "through that day": the exemption ends at the next UTC midnight.
  const end = /^\d{4}-\d{2}-\d{2}$/.test(expires) ? Date.parse(`${expires}T00:00:00Z`) + 86_400_000 : Date.parse(expires);
  return Number.isNaN(end) || now.getTime() >= end;
}

function listsRule(annotation: string, ruleId: string): boolean {
  return annotation
    .split(/[\s,]+/)
    .filter((item) => item !== '')
    .some((item) => item === '*' || item.toUpperCase() === ruleId);
}

/** `*` matches any run of characters; no regexes, since exemption files are user input. */
export function globMatches(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined || pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) return false;
  let position = first.length;
  const end = value.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = value.indexOf(middle, position);
    if (found === -1 || found + middle.length > end) return false;
    position = found + middle.length;
  }
  return true;
}
