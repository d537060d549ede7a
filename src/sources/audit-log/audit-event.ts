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
