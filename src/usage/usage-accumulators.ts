/**
 * What the aggregator keeps per ServiceAccount while a log streams by. Every part is order-independent:
 * folding the same requests in any order, or folding two halves of a log apart and absorbing one result
 * into the other, gives the same result. That is what lets a large log be read by several threads (each a
 * byte range) and still give byte for byte the answer one reader gives. Where a list is capped, the values
 * kept are the first in sort order, not the first seen: "first seen" cannot be merged from parts without
 * keeping every value, and it would make the answer depend on how the log was split (the number of cores).
 */
import { alertsOf } from './usage-alerts.js';
import { describeRequest, earlier, type ObservedRequest } from './observed-request.js';
import type { LegacyTokenUsage, RequestUsage, ResponseCodeCount, ServiceAccountUsage, Tally, UnexpectedCalls } from './usage-types.js';

/** Where calls are expected from (expectations.ts answers it; absent: everything is expected). */
export interface CallExpectations {
  readonly active: boolean;
  userAgentExpected(namespace: string, name: string, userAgent: string): boolean;
  sourceExpected(namespace: string, name: string, sourceIPs: readonly string[]): boolean;
}

/**
 * Earliest and latest timestamp seen, as logged. Two spellings of one instant are ordered by their text, so
 * that the kept one does not depend on which came first.
 */
export class SeenRange {
  first = '';
  last = '';

  add(timestamp: string): void {
    widenSeen(this, timestamp);
  }

  absorb(window: { readonly firstSeen: string; readonly lastSeen: string }): void {
    this.add(window.firstSeen);
    this.add(window.lastSeen);
  }

  window(): { firstSeen: string; lastSeen: string } {
    return { firstSeen: this.first, lastSeen: this.last };
  }
}

/** Widens an earliest and latest timestamp pair (a SeenRange's, or one held in another object's own fields) by `timestamp`. */
function widenSeen(range: { first: string; last: string }, timestamp: string): void {
  if (timestamp === '') return;
  if (range.last === '') {
    range.first = range.last = timestamp;
    return;
  }
  // A log comes mostly in time order: a new latest cannot be a new earliest too (`before` is a total
  // order and first <= last), so the usual request costs one comparison, not two.
  if (before(range.last, timestamp)) range.last = timestamp;
  else if (before(timestamp, range.first)) range.first = timestamp;
}

/** A total order on timestamps: by instant (earlier's), then by text. */
export function before(a: string, b: string): boolean {
  // The API server's own form (RFC 3339 in UTC, fixed width) orders as text.
  if (a.length === b.length && a.charCodeAt(a.length - 1) === 90 && b.charCodeAt(b.length - 1) === 90) return a < b;
  return earlier(a, b) || (!earlier(b, a) && a < b);
}

export interface InvalidatedAccumulator {
  readonly secretNamespace: string;
  readonly secretName: string;
  count: number;
  readonly seen: SeenRange;
}

/**
 * One request shape of a ServiceAccount (verb, group, resource, subresource, namespace or URL), its key
 * fields held once, with a row per object name: a controller touching thousands of objects costs a small
 * row per name, not a copy of the shape's strings each. At most `limit` names have rows of their own (the
 * first in sort order, besides the empty name); the rest are counted together in `other`.
 */
class ShapeAccumulator {
  readonly rows = new Map<string, RowAccumulator>();
  other: RowAccumulator | undefined = undefined;
  /** How many rows have a name, and the greatest of those names (the one to give up for a smaller). */
  private named = 0;
  private greatest = '';

  constructor(
    readonly verb: string,
    readonly apiGroup: string,
    readonly resource: string,
    readonly subresource: string,
    readonly namespace: string,
    readonly nonResourceURL: string,
    private readonly limit: number,
  ) {}

  /** The row `name` counts in: its own, or `other` when it is beyond the limit. */
  rowFor(name: string): RowAccumulator {
    const known = this.rows.get(name);
    if (known) return known;
    if (name !== '' && this.named >= this.limit) {
      if (name > this.greatest) return (this.other ??= new RowAccumulator('', true));
      // A smaller name takes the place of the greatest, whose counts join the other names'.
      const given = this.rows.get(this.greatest);
      this.rows.delete(this.greatest);
      if (given) (this.other ??= new RowAccumulator('', true)).absorbRow(given);
      this.named--;
      this.greatest = '';
      for (const kept of this.rows.keys()) if (kept > this.greatest) this.greatest = kept;
    }
    const row = new RowAccumulator(name, false);
    this.rows.set(name, row);
    if (name !== '') {
      this.named++;
      if (name > this.greatest) this.greatest = name;
    }
    return row;
  }

  /** A row of this shape as the result lists it (one object, no spread of the row's counts). */
  usage(row: RowAccumulator): RequestUsage {
    return {
      verb: this.verb,
      apiGroup: this.apiGroup,
      resource: this.resource,
      subresource: this.subresource,
      namespace: this.namespace,
      name: row.name,
      nonResourceURL: this.nonResourceURL,
      count: row.count,
      allowed: row.allowed,
      denied: row.denied,
      firstSeen: row.first,
      lastSeen: row.last,
      codes: row.codeCounts(),
      otherNames: row.otherNames,
    };
  }

  state(): ShapeState {
    const rows: RowState[] = [];
    for (const row of this.rows.values()) rows.push(row.state());
    return [
      this.verb,
      this.apiGroup,
      this.resource,
      this.subresource,
      this.namespace,
      this.nonResourceURL,
      rows,
      this.other?.state() ?? null,
    ];
  }

  absorbState(state: ShapeState): void {
    for (const row of state[6]) this.rowFor(row[0]).absorbState(row);
    if (state[7]) (this.other ??= new RowAccumulator('', true)).absorbState(state[7]);
  }
}

/** One distinct request of a ServiceAccount. Most rows see one response code: a map only for more. */
class RowAccumulator extends SeenRange {
  count = 0;
  allowed = 0;
  denied = 0;
  code: number | undefined = undefined;
  codeCount = 0;
  codes: Map<number, number> | undefined = undefined;

  constructor(
    readonly name: string,
    readonly otherNames: boolean,
  ) {
    super();
  }

  addCode(code: number, times = 1): void {
    if (this.codes) this.codes.set(code, (this.codes.get(code) ?? 0) + times);
    else if (this.code === undefined || this.code === code) {
      this.code = code;
      this.codeCount += times;
    } else {
      this.codes = new Map([
        [this.code, this.codeCount],
        [code, times],
      ]);
    }
  }

  /** The row's counts as a RequestUsage carries them. */
  counts(): Pick<RequestUsage, 'count' | 'allowed' | 'denied' | 'firstSeen' | 'lastSeen' | 'codes'> {
    return {
      count: this.count,
      allowed: this.allowed,
      denied: this.denied,
      firstSeen: this.first,
      lastSeen: this.last,
      codes: this.codeCounts(),
    };
  }

  codeCounts(): ResponseCodeCount[] {
    if (this.codes) return [...this.codes].sort((x, y) => x[0] - y[0]).map(([code, count]) => ({ code, count }));
    return this.code === undefined ? [] : [{ code: this.code, count: this.codeCount }];
  }

  /** As data to send to another thread: name, counts, first and last seen, then code and count pairs. */
  state(): RowState {
    const state: RowState = [this.name, this.count, this.allowed, this.denied, this.first, this.last];
    for (const { code, count } of this.codeCounts()) state.push(code, count);
    return state;
  }

  absorbState(state: RowState): void {
    this.count += state[1];
    this.allowed += state[2];
    this.denied += state[3];
    this.add(state[4]);
    this.add(state[5]);
    for (let index = 6; index + 1 < state.length; index += 2) this.addCode(state[index] as number, state[index + 1] as number);
  }

  absorbRow(row: RowAccumulator): void {
    this.absorbCounts(row.counts());
  }

  absorbCounts(row: Pick<RequestUsage, 'count' | 'allowed' | 'denied' | 'firstSeen' | 'lastSeen' | 'codes'>): void {
    this.count += row.count;
    this.allowed += row.allowed;
    this.denied += row.denied;
    super.absorb(row);
    for (const { code, count } of row.codes) this.addCode(code, count);
  }
}

/**
 * A count per value, keeping at most `limit` values (the first in sort order); the rest are counted as
 * overflow. Once full, a value after the greatest kept one is overflow without being hashed, and the kept
 * values are also held in order, so that giving up the greatest for a smaller one is a binary search and
 * a move, not a walk of them all (a ServiceAccount's source addresses can change with every request).
 */
class CappedTally {
  private readonly counts = new Map<string, TallyEntry>();
  overflow = 0;
  /** The kept values in order, once there are `limit` of them; its last is the greatest. */
  private ordered: string[] | undefined = undefined;
  // Consecutive requests of a ServiceAccount mostly come from the same client: comparing with the last
  // value is cheaper than hashing it again. The entry holds the value as first kept, not the request's
  // own copy of it: a request's strings then die young instead of being carried into the old generation.
  private last: TallyEntry | undefined = undefined;

  constructor(private readonly limit: number) {}

  add(value: string | undefined, times = 1): void {
    if (value === undefined || value === '') return;
    const last = this.last;
    if (last !== undefined && value === last.value) {
      last.count += times;
      return;
    }
    const ordered = this.ordered;
    if (ordered !== undefined && value > ordered[ordered.length - 1]!) {
      this.overflow += times;
      return;
    }
    let current = this.counts.get(value);
    if (current !== undefined) current.count += times;
    else {
      this.counts.set(value, (current = { value, count: times }));
      if (ordered !== undefined) this.giveUpGreatest(ordered, value);
      else if (this.counts.size === this.limit) this.ordered = [...this.counts.keys()].sort(compare);
    }
    this.last = current;
  }

  /** Puts `value` (smaller than the greatest, new) in its place and gives up the greatest. */
  private giveUpGreatest(ordered: string[], value: string): void {
    let low = 0;
    let high = ordered.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (ordered[middle]! < value) low = middle + 1;
      else high = middle;
    }
    const last = ordered.length - 1;
    const greatest = ordered[last]!;
    for (let index = last; index > low; index--) ordered[index] = ordered[index - 1]!;
    ordered[low] = value;
    const given = this.counts.get(greatest);
    this.counts.delete(greatest);
    if (given === this.last) this.last = undefined;
    this.overflow += given?.count ?? 0;
  }

  /** The overflow, then value and count pairs. */
  state(): TallyState {
    const state: TallyState = [this.overflow];
    for (const [value, { count }] of this.counts) state.push(value, count);
    return state;
  }

  absorbState(state: TallyState): void {
    this.overflow += state[0];
    for (let index = 1; index + 1 < state.length; index += 2) this.add(state[index] as string, state[index + 1] as number);
  }

  result(): Tally[] {
    return [...this.counts].map(([value, { count }]) => ({ value, count })).sort((a, b) => b.count - a.count || compare(a.value, b.value));
  }
}

interface TallyEntry {
  readonly value: string;
  count: number;
}

/** Calls from an unexpected client or address: counted, with the first few by time (then text) as examples. */
class UnexpectedAccumulator {
  count = 0;
  readonly seen = new SeenRange();
  readonly examples: string[] = [];

  add(request: ObservedRequest): void {
    this.count++;
    this.seen.add(request.timestamp);
    this.example(
      `${request.timestamp} ${describeRequest(request)} from ${request.sourceIPs.join(', ') || 'an unknown address'} (${request.userAgent || 'no user agent'})`,
    );
  }

  private example(text: string): void {
    if (this.examples.length === 3 && text >= this.examples[2]!) return;
    if (this.examples.includes(text)) return;
    this.examples.push(text);
    this.examples.sort(compare);
    if (this.examples.length > 3) this.examples.pop();
  }

  state(): UnexpectedCalls {
    return this.result();
  }

  absorb(calls: UnexpectedCalls): void {
    this.count += calls.count;
    this.seen.absorb(calls);
    for (const text of calls.examples) this.example(text);
  }

  result(): UnexpectedCalls {
    return { count: this.count, ...this.seen.window(), examples: this.examples };
  }
}

/** A row as data: name, count, allowed, denied, first seen, last seen, then response code and count pairs. */
export type RowState = [string, number, number, number, string, string, ...number[]];
/** A request shape as data: verb, group, resource, subresource, namespace, URL, its rows, the other names' row. */
export type ShapeState = [string, string, string, string, string, string, RowState[], RowState | null];
/** A capped tally as data: the overflow, then value and count pairs. */
export type TallyState = [number, ...(string | number)[]];

/** An AccountAccumulator as data another thread can send (compact: a 1 GiB log's partials are tens of MB). */
export interface AccountState {
  readonly namespace: string;
  readonly name: string;
  readonly counts: readonly [number, number, number];
  readonly seen: readonly [string, string];
  readonly shapes: readonly ShapeState[];
  /** Pods, nodes, user agents, source IPs, impersonators. */
  readonly tallies: readonly [TallyState, TallyState, TallyState, TallyState, TallyState];
  readonly legacy: readonly (readonly [string | null, LegacyTokenUsage['kind'], number, string, string])[];
  readonly unexpected: readonly [UnexpectedCalls | null, UnexpectedCalls | null];
}

interface LegacyAccumulator {
  readonly secret: string | null;
  readonly kind: LegacyTokenUsage['kind'];
  count: number;
  readonly seen: SeenRange;
}

export class AccountAccumulator {
  /** Request shapes by resource or URL. */
  private readonly shapes = new Map<string, ShapeAccumulator[]>();
  private count = 0;
  private allowed = 0;
  private denied = 0;
  /** First and last seen, held here rather than in a SeenRange of their own: one object less to reach per request. */
  first = '';
  last = '';
  private readonly pods: CappedTally;
  private readonly nodes: CappedTally;
  private readonly userAgents: CappedTally;
  private readonly sourceIPs: CappedTally;
  private readonly impersonatedBy: CappedTally;
  private readonly legacy = new Map<string, LegacyAccumulator>();
  private unexpectedUserAgent: UnexpectedAccumulator | undefined;
  private unexpectedSource: UnexpectedAccumulator | undefined;

  constructor(
    readonly namespace: string,
    readonly name: string,
    private readonly namesPerShape: number,
    tallyLimit: number,
  ) {
    this.pods = new CappedTally(tallyLimit);
    this.nodes = new CappedTally(tallyLimit);
    this.userAgents = new CappedTally(tallyLimit);
    this.sourceIPs = new CappedTally(tallyLimit);
    this.impersonatedBy = new CappedTally(tallyLimit);
  }

  add(request: ObservedRequest, matcher: CallExpectations): void {
    this.count++;
    if (request.decision === 'forbid') this.denied++;
    else this.allowed++;
    widenSeen(this, request.timestamp);
    this.pods.add(request.pod);
    this.nodes.add(request.node);
    this.userAgents.add(request.userAgent);
    this.sourceIPs.add(request.sourceIPs[0]);
    if (request.impersonatedBy !== undefined) this.impersonatedBy.add(request.impersonatedBy);
    const row = this.shapeOf(request).rowFor(request.name);
    row.count++;
    if (request.decision === 'forbid') row.denied++;
    else row.allowed++;
    row.add(request.timestamp);
    if (request.code !== undefined) row.addCode(request.code);
    if (request.legacyToken) {
      const entry = this.legacyEntry(request.legacyToken.secret ?? null, request.legacyToken.kind);
      entry.count++;
      entry.seen.add(request.timestamp);
    }
    if (matcher.active && request.impersonatedBy === undefined) {
      if (!matcher.userAgentExpected(this.namespace, this.name, request.userAgent))
        (this.unexpectedUserAgent ??= new UnexpectedAccumulator()).add(request);
      if (!matcher.sourceExpected(this.namespace, this.name, request.sourceIPs))
        (this.unexpectedSource ??= new UnexpectedAccumulator()).add(request);
    }
  }

  /** What this holds, as compact data another thread's accumulator can absorb (absorbState). */
  state(): AccountState {
    const shapes: ShapeState[] = [];
    for (const candidates of this.shapes.values()) for (const shape of candidates) shapes.push(shape.state());
    return {
      namespace: this.namespace,
      name: this.name,
      counts: [this.count, this.allowed, this.denied],
      seen: [this.first, this.last],
      shapes,
      tallies: [this.pods.state(), this.nodes.state(), this.userAgents.state(), this.sourceIPs.state(), this.impersonatedBy.state()],
      legacy: [...this.legacy.values()].map((entry) => [entry.secret, entry.kind, entry.count, entry.seen.first, entry.seen.last]),
      unexpected: [this.unexpectedUserAgent?.state() ?? null, this.unexpectedSource?.state() ?? null],
    };
  }

  absorbState(state: AccountState): void {
    this.count += state.counts[0];
    this.allowed += state.counts[1];
    this.denied += state.counts[2];
    widenSeen(this, state.seen[0]);
    widenSeen(this, state.seen[1]);
    for (const shape of state.shapes)
      this.shapeOf({
        verb: shape[0],
        apiGroup: shape[1],
        resource: shape[2],
        subresource: shape[3],
        namespace: shape[4],
        nonResourceURL: shape[5],
      }).absorbState(shape);
    const [pods, nodes, userAgents, sourceIPs, impersonatedBy] = state.tallies;
    this.pods.absorbState(pods);
    this.nodes.absorbState(nodes);
    this.userAgents.absorbState(userAgents);
    this.sourceIPs.absorbState(sourceIPs);
    this.impersonatedBy.absorbState(impersonatedBy);
    for (const [secret, kind, count, first, last] of state.legacy) {
      const entry = this.legacyEntry(secret, kind);
      entry.count += count;
      entry.seen.add(first);
      entry.seen.add(last);
    }
    if (state.unexpected[0]) (this.unexpectedUserAgent ??= new UnexpectedAccumulator()).absorb(state.unexpected[0]);
    if (state.unexpected[1]) (this.unexpectedSource ??= new UnexpectedAccumulator()).absorb(state.unexpected[1]);
  }

  private legacyEntry(secret: string | null, kind: LegacyTokenUsage['kind']): LegacyAccumulator {
    const key = `${kind}/${secret ?? ''}`;
    let entry = this.legacy.get(key);
    if (!entry) {
      entry = { secret, kind, count: 0, seen: new SeenRange() };
      this.legacy.set(key, entry);
    }
    return entry;
  }

  private shapeOf(
    request: Pick<RequestUsage, 'verb' | 'apiGroup' | 'resource' | 'subresource' | 'namespace' | 'nonResourceURL'>,
  ): ShapeAccumulator {
    // By resource (or URL), then the few shapes sharing it (its verbs, mostly): one short key hashed per
    // request, not a long key built for it, and one map reached, not two.
    const resourceKey = request.resource === '' ? request.nonResourceURL : request.resource;
    let candidates = this.shapes.get(resourceKey);
    if (!candidates) this.shapes.set(resourceKey, (candidates = []));
    // A loop, not find(): no closure made for every request.
    for (const known of candidates)
      if (
        known.verb === request.verb &&
        known.namespace === request.namespace &&
        known.apiGroup === request.apiGroup &&
        known.subresource === request.subresource &&
        known.resource === request.resource
      )
        return known;
    const shape = new ShapeAccumulator(
      request.verb,
      request.apiGroup,
      request.resource,
      request.subresource,
      request.namespace,
      request.nonResourceURL,
      this.namesPerShape,
    );
    candidates.push(shape);
    return shape;
  }

  result(): ServiceAccountUsage {
    const requests: RequestUsage[] = [];
    for (const candidates of this.shapes.values())
      for (const shape of candidates) {
        for (const row of shape.rows.values()) requests.push(shape.usage(row));
        if (shape.other) requests.push(shape.usage(shape.other));
      }
    // The aggregates are no longer needed once their rows exist: free them before the next account's.
    this.shapes.clear();
    requests.sort(compareRequests);
    const legacyTokens: LegacyTokenUsage[] = [...this.legacy.values()]
      .map((entry) => ({ secret: entry.secret, kind: entry.kind, count: entry.count, ...entry.seen.window() }))
      .sort((a, b) => compare(a.secret ?? '', b.secret ?? '') || compare(a.kind, b.kind));
    const usage: Omit<ServiceAccountUsage, 'alerts'> = {
      namespace: this.namespace,
      name: this.name,
      count: this.count,
      allowed: this.allowed,
      denied: this.denied,
      firstSeen: this.first,
      lastSeen: this.last,
      requests,
      pods: this.pods.result(),
      nodes: this.nodes.result(),
      userAgents: this.userAgents.result(),
      sourceIPs: this.sourceIPs.result(),
      tallyOverflow: {
        pods: this.pods.overflow,
        nodes: this.nodes.overflow,
        userAgents: this.userAgents.overflow,
        sourceIPs: this.sourceIPs.overflow,
      },
      legacyTokens,
      impersonatedBy: this.impersonatedBy.result(),
      unexpected: { userAgent: this.unexpectedUserAgent?.result() ?? null, sourceIP: this.unexpectedSource?.result() ?? null },
    };
    return { ...usage, alerts: alertsOf(usage) };
  }
}

function compareRequests(a: RequestUsage, b: RequestUsage): number {
  return (
    compare(a.apiGroup, b.apiGroup) ||
    compare(a.resource, b.resource) ||
    compare(a.subresource, b.subresource) ||
    compare(a.nonResourceURL, b.nonResourceURL) ||
    compare(a.namespace, b.namespace) ||
    compare(a.verb, b.verb) ||
    Number(a.otherNames) - Number(b.otherNames) ||
    compare(a.name, b.name)
  );
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
