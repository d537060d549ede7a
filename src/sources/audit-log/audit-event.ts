/**
 * Decoding of one audit log line into events (audit.k8s.io/v1, types in src/usage/audit-event.ts).
 */

import { isFinalStage, type AuditEvent } from '../../usage/audit-event.js';

export type { AuditEvent };

export type DecodedLine =
  | { readonly kind: 'events'; readonly events: readonly AuditEvent[] }
  | { readonly kind: 'blank' }
  | { readonly kind: 'bad'; readonly reason: string };

const auditApiVersion = 'audit.k8s.io/v1';

/** How kube-apiserver's log backend starts every line (Go writes struct fields in order). */
const canonicalPrefix = '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"';

/**
 * The cheap reading of a line: what counting it as a request and widening the log's window need
 * (auditID, stage, timestamps), taken by position from the API server's own layout without parsing the
 * rest. Lines no ServiceAccount figures in are read this way only. A ServiceAccount's line at a stage
 * before the last (RequestReceived, a watch's ResponseStarted) is read this way too, with `complete()` to
 * parse it in full should it ever count: almost always its final stage follows and replaces it, so it
 * is never parsed. Undefined when the line is a ServiceAccount's final stage, names an invalidated legacy
 * token, or is not laid out as the API server writes it: then it is decoded in full. The shape is still
 * checked — the canonical start, a closing brace, both timestamps — so a truncated line is a bad line
 * here too. (A line broken in its middle but kept whole only shows when it is completed.)
 *
 * The event itself, not a DecodedLine: a skimmed line is always one event, and this runs for most lines.
 */
export function skimAuditLine(line: string): AuditEvent | undefined {
  if (!isAt(line, canonicalPrefix, 0)) return undefined;
  const stage = knownValue(line, line.indexOf(stageKey, canonicalPrefix.length), stageKey, stagesByLength);
  if (stage === undefined) return undefined;
  const serviceAccount = line.includes(serviceAccountMark);
  if ((serviceAccount && isFinalStage(stage)) || line.includes(invalidatedMark)) return undefined;
  let end = line.length - 1;
  while (end > 0 && (line.charCodeAt(end) === 32 || line.charCodeAt(end) === 13 || line.charCodeAt(end) === 9)) end--;
  if (line.charCodeAt(end) !== 125) return undefined;
  const auditID = fieldAt(line, auditIDKey, line.indexOf(auditIDKey, canonicalPrefix.length));
  const verbAt = line.indexOf(verbKey, canonicalPrefix.length);
  const verb = knownValue(line, verbAt, verbKey, verbsByLength) ?? fieldAt(line, verbKey, verbAt);
  if (auditID === undefined || verb === undefined) return undefined;
  // The timestamps follow the bodies (RequestResponse level): the last occurrence is the event's own.
  const at = line.lastIndexOf(receivedKey);
  if (at === -1) return undefined;
  const start = at + receivedKey.length;
  const receivedEnd = line.indexOf('"', start);
  if (receivedEnd === -1 || !isAt(line, stageTimestampKey, receivedEnd)) return undefined;
  const stagedStart = receivedEnd + stageTimestampKey.length;
  const stagedEnd = line.indexOf('"', stagedStart);
  if (stagedEnd === -1) return undefined;
  // One copy for both timestamps: slices of it keep only it alive.
  const text = line.slice(start, stagedEnd);
  if (text.includes('\\')) return undefined;
  const both = copyString(text);
  const requestReceivedTimestamp = both.slice(0, receivedEnd - start);
  const stageTimestamp = both.slice(stagedStart - start);
  if (!serviceAccount) return { auditID, stage, verb, requestReceivedTimestamp, stageTimestamp };
  // A request's body can be large and the stage may wait long (its final stage never comes): a long line
  // is kept without its bodies, which nothing reads.
  const kept = copyString((line.length > keptWholeChars ? textWithoutBodies(line) : undefined) ?? line);
  return new PartlyReadEvent(auditID, stage, verb, requestReceivedTimestamp, stageTimestamp, kept);
}

/** A ServiceAccount's stage read in part (see skimAuditLine), with the text to read it in full from. */
class PartlyReadEvent implements AuditEvent {
  readonly #kept: string;

  constructor(
    readonly auditID: string,
    readonly stage: string,
    readonly verb: string,
    readonly requestReceivedTimestamp: string,
    readonly stageTimestamp: string,
    kept: string,
  ) {
    this.#kept = kept;
  }

  /** The whole event; what was read of it when its text no longer parses as one event. */
  complete(): AuditEvent {
    const decoded = decodeAuditLine(this.#kept);
    if (decoded.kind === 'events' && decoded.events.length === 1 && decoded.events[0]) return decoded.events[0];
    const { auditID, stage, verb, requestReceivedTimestamp, stageTimestamp } = this;
    return { auditID, stage, verb, requestReceivedTimestamp, stageTimestamp };
  }
}

const stageKey = '"stage":"';
const auditIDKey = '"auditID":"';
const verbKey = '"verb":"';
const receivedKey = '"requestReceivedTimestamp":"';
const stageTimestampKey = '","stageTimestamp":"';
const serviceAccountMark = 'system:serviceaccount:';
const invalidatedMark = 'legacy-token-invalidated';

/** Whether `key` is at `at`: a cut compared whole, which V8 does far faster than startsWith for a long key. */
function isAt(line: string, key: string, at: number): boolean {
  return line.slice(at, at + key.length) === key;
}

/** Known values by length, so that the common ones are recognised in place and shared, not copied. */
function byLength(values: readonly string[]): ReadonlyMap<number, readonly string[]> {
  const found = new Map<number, string[]>();
  for (const value of values) found.set(value.length, [...(found.get(value.length) ?? []), value]);
  return found;
}
const stagesByLength = byLength(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']);
const verbsByLength = byLength(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection']);

/** The value after `key` at `at` when it is one of `known` (the shared string); undefined otherwise. */
function knownValue(line: string, at: number, key: string, known: ReadonlyMap<number, readonly string[]>): string | undefined {
  if (at === -1) return undefined;
  const start = at + key.length;
  const close = line.indexOf('"', start);
  for (const value of known.get(close - start) ?? []) if (isAt(line, value, start)) return value;
  return undefined;
}

/** The string value after `key` at `at` (-1: absent), when it has no escapes; undefined otherwise. */
function fieldAt(line: string, key: string, at: number): string | undefined {
  if (at === -1) return undefined;
  const start = at + key.length;
  const close = line.indexOf('"', start);
  if (close === -1) return undefined;
  const value = line.slice(start, close);
  return value.includes('\\') ? undefined : copyString(value);
}

/**
 * A fresh copy of `text`. Lines are slices of a whole read chunk (64 KiB), and a slice of a line is too:
 * a kept slice would keep the chunk alive (an auditID waiting for its final stage, the window's bounds).
 * V8 flattens a concatenation into a new string when it is sliced, so the copy holds only its own text.
 */
function copyString(text: string): string {
  return `${text} `.slice(0, -1);
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
    value = parseWithoutBodies(line) ?? JSON.parse(line);
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

const bodyKeys = [',"requestObject":', ',"responseObject":'];
const timestampsKey = ',"requestReceivedTimestamp":"';
/** Lines longer than this are kept without their bodies while they wait. */
const keptWholeChars = 16 * 1024;

/**
 * A RequestResponse- or Request-level line of the API server's layout parsed without its bodies, which
 * nothing reads and which are most of such a line: the text before the first body key and from the
 * timestamps on. A cut that is not at the line's top level leaves braces unbalanced, so it cannot parse;
 * undefined then (and for every other line), and the whole line is parsed.
 */
function parseWithoutBodies(line: string): unknown {
  const text = textWithoutBodies(line);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The text of a Request- or RequestResponse-level line without its bodies (see parseWithoutBodies). */
function textWithoutBodies(line: string): string | undefined {
  if (line.charCodeAt(canonicalPrefix.length) !== 82 || !isAt(line, canonicalPrefix, 0)) return undefined;
  const cut = Math.min(...bodyKeys.map((key) => line.indexOf(key)).filter((at) => at !== -1));
  const timestamps = line.lastIndexOf(timestampsKey);
  if (!Number.isFinite(cut) || timestamps < cut) return undefined;
  return line.slice(0, cut) + line.slice(timestamps);
}

function isBlank(line: string): boolean {
  for (let index = 0; index < line.length; index++) {
    const code = line.charCodeAt(index);
    if (code !== 32 && code !== 9 && code !== 13) return false;
  }
  return true;
}
