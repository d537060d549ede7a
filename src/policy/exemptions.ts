import type { ObjectRef } from '../inventory/inventory.js';
import type { ObjectMeta } from '../inventory/kube-object.js';

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
}

/**
 * Decides whether a finding is exempt, top to bottom: the object's own annotation first (the owner
 * said so, next to the object), then the exemptions file. Expired file entries never apply; the
 * caller reports them via `expiredExemptions`.
 */
export function exemptionFor(
  ruleId: string,
  object: ObjectRef,
  metadata: ObjectMeta,
  active: readonly Exemption[],
): ExemptionDecision | undefined {
  const annotation = metadata.annotations?.[exemptAnnotation];
  if (typeof annotation === 'string' && listsRule(annotation, ruleId)) {
    const reason = metadata.annotations?.[exemptReasonAnnotation];
    return { by: 'annotation', reason: typeof reason === 'string' && reason !== '' ? reason : '(no reason given)' };
  }
  for (const exemption of active) {
    if (!exemption.rules.some((rule) => rule === '*' || rule === ruleId)) continue;
    if (!globMatches(exemption.object.kind, object.kind)) continue;
    if (!globMatches(exemption.object.namespace, object.namespace ?? '')) continue;
    if (!globMatches(exemption.object.name, object.name)) continue;
    return { by: 'file', reason: exemption.reason, ...(exemption.expires ? { expires: exemption.expires } : {}) };
  }
  return undefined;
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
