/**
 * Decoding of one audit log line into events (audit.k8s.io/v1, types in src/usage/audit-event.ts).
 */

import type { AuditEvent } from '../../usage/audit-event.js';

export type { AuditEvent };

export type DecodedLine =
  | { readonly kind: 'events'; readonly events: readonly AuditEvent[] }
  | { readonly kind: 'blank' }
  | { readonly kind: 'bad'; readonly reason: string };

const auditApiVersion = 'audit.k8s.io/v1';

/** How kube-apiserver's log backend starts every line (Go writes struct fields in order). */
const canonicalPrefix = '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"';

/**
 * The cheap reading of a line no ServiceAccount figures in: what counting it as a request and widening
 * the log's window need (auditID, stage, timestamps), taken by position from the API server's own layout
 * without parsing the rest, which nothing reads. Undefined when the line names a ServiceAccount or an
 * invalidated legacy token, or is not laid out as the API server writes it: then it is decoded in full.
 * The shape is still checked — the canonical start, a closing brace, both timestamps — so a truncated line
 * is a bad line here too.
 */
export function skimAuditLine(line: string): DecodedLine | undefined {
  if (!line.startsWith(canonicalPrefix) || line.includes('system:serviceaccount:') || line.includes('legacy-token-invalidated'))
    return undefined;
  let end = line.length - 1;
  while (end > 0 && (line.charCodeAt(end) === 32 || line.charCodeAt(end) === 13 || line.charCodeAt(end) === 9)) end--;
  if (line.charCodeAt(end) !== 125) return undefined;
  const auditID = fieldAt(line, '"auditID":"', line.indexOf('"auditID":"'));
  const stage = fieldAt(line, '"stage":"', line.indexOf('"stage":"'));
  const verb = fieldAt(line, '"verb":"', line.indexOf('"verb":"'));
  // The timestamps follow the bodies (RequestResponse level): the last occurrence is the event's own.
  const requestReceivedTimestamp = fieldAt(line, '"requestReceivedTimestamp":"', line.lastIndexOf('"requestReceivedTimestamp":"'));
  const stageTimestamp = fieldAt(line, '"stageTimestamp":"', line.lastIndexOf('"stageTimestamp":"'));
  if (
    auditID === undefined ||
    stage === undefined ||
    verb === undefined ||
    requestReceivedTimestamp === undefined ||
    stageTimestamp === undefined
  )
    return undefined;
  return { kind: 'events', events: [{ auditID, stage, verb, requestReceivedTimestamp, stageTimestamp }] };
}

/** The string value after `key` at `at` (-1: absent), when it has no escapes; undefined otherwise. */
function fieldAt(line: string, key: string, at: number): string | undefined {
  if (at === -1) return undefined;
  const start = at + key.length;
  const close = line.indexOf('"', start);
  if (close === -1) return undefined;
  const value = line.slice(start, close);
  // A fresh string, not a slice: a slice would keep the whole read chunk (a megabyte) alive as long as the
  // value is kept (an auditID waiting for its final stage, the window's bounds).
  return value.includes('\\') ? undefined : (JSON.parse(`"${value}"`) as string);
}

/**
 * One line of a log-backend audit file: an `Event` as JSON. An `EventList` (what the webhook backend
 * posts, and what some collectors store) is read as its items. Anything else is a bad line with a reason
 * the user can act on; the caller counts it and moves on.
 */
export function decodeAuditLine(line: string): DecodedLine {
  if (isBlank(line)) return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'bad', reason: line.trimStart().startsWith('{') ? 'truncated or invalid JSON' : 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'bad', reason: 'not a JSON object' };
  const object = value as { apiVersion?: unknown; kind?: unknown; items?: unknown };
  if (object.kind === 'EventList' && object.apiVersion === auditApiVersion && Array.isArray(object.items)) {
    const events: AuditEvent[] = [];
    for (const item of object.items) {
      const reason = whyNotEvent(item, true);
      if (reason) return { kind: 'bad', reason: `EventList item: ${reason}` };
      events.push(item as AuditEvent);
    }
    return { kind: 'events', events };
  }
  const reason = whyNotEvent(object, false);
  return reason ? { kind: 'bad', reason } : { kind: 'events', events: [object as AuditEvent] };
}

/** Items of an EventList may omit apiVersion and kind (the list carries them). */
function whyNotEvent(value: unknown, inList: boolean): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const event = value as { apiVersion?: unknown; kind?: unknown; stage?: unknown; verb?: unknown };
  const apiVersion = typeof event.apiVersion === 'string' ? event.apiVersion : undefined;
  const kind = typeof event.kind === 'string' ? event.kind : undefined;
  if (!(inList && apiVersion === undefined && kind === undefined)) {
    if (kind !== 'Event') return kind === undefined ? 'no kind: not an audit event' : `kind ${kind}: not an audit Event`;
    if (apiVersion !== auditApiVersion) return `${apiVersion ?? 'no apiVersion'}: only ${auditApiVersion} Events are read`;
  }
  if (typeof event.stage !== 'string' || typeof event.verb !== 'string') return 'an Event without stage or verb';
  return undefined;
}

function isBlank(line: string): boolean {
  for (let index = 0; index < line.length; index++) {
    const code = line.charCodeAt(index);
    if (code !== 32 && code !== 9 && code !== 13) return false;
  }
  return true;
}
