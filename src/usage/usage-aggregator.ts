/**
 * Folds a stream of audit events into per-ServiceAccount aggregates. Each request counts once, however
 * many stages the audit policy logged for it: the final stage (ResponseComplete or Panic) when it comes,
 * else the last stage seen. Memory is bounded by what is aggregated (distinct requests per ServiceAccount,
 * with per-request-shape and per-list caps), never by the number of events.
 *
 * This runs for every event of logs of many gigabytes: the hot path allocates little (no per-event
 * objects beyond the parsed event and one record per ServiceAccount request), compares timestamps as
 * text, and keeps requests waiting for their final stage as those records, not as events.
 */
import { finalStages, type AuditEvent } from './audit-event.js';
import { alertsOf } from './usage-alerts.js';
import {
  describeRequest,
  earlier,
  invalidatedTokenUse,
  observedRequests,
  type InvalidatedTokenUse,
  type ObservedRequest,
} from './observed-request.js';
import type {
  InvalidatedTokenUsage,
  LegacyTokenUsage,
  RequestUsage,
  ResponseCodeCount,
  ServiceAccountUsage,
  Tally,
  UnexpectedCalls,
  UsageLog,
} from './usage-types.js';

/** Where calls are expected from (expectations.ts answers it; absent: everything is expected). */
export interface CallExpectations {
  readonly active: boolean;
  userAgentExpected(namespace: string, name: string, userAgent: string): boolean;
  sourceExpected(namespace: string, name: string, sourceIPs: readonly string[]): boolean;
}

const everythingExpected: CallExpectations = { active: false, userAgentExpected: () => true, sourceExpected: () => true };

export interface AggregatorOptions {
  readonly expectations?: CallExpectations;
  /** Distinct object names kept per ServiceAccount and request shape; more are counted together. */
  readonly namesPerShape?: number;
  /** Entries kept in each pod, node, user-agent and source-IP list per ServiceAccount. */
  readonly tallyLimit?: number;
  /** Requests whose final stage has not been seen yet, kept to pair their stages; the oldest count early beyond this. */
  readonly pendingLimit?: number;
  /** auditIDs already counted, remembered to drop their late or repeated stages. */
  readonly rememberedLimit?: number;
}

export class UsageAggregator {
  private readonly namesPerShape: number;
  private readonly tallyLimit: number;
  private readonly pendingLimit: number;
  private readonly matcher: CallExpectations;
  /**
   * Requests waiting for their final stage, by auditID. A RequestReceived stage waits milliseconds and is
   * kept as it came; a ResponseStarted one (a watch) may wait for minutes, so only what it will count as is
   * kept (its ServiceAccount requests), not the parsed event. A stage the log reader read only in part
   * waits as it is, and is parsed only if it ever counts.
   */
  private readonly pending = new Map<string, AuditEvent | PendingRequest>();
  private readonly counted: BoundedSet;
  private readonly accounts = new Map<string, AccountAccumulator>();
  private readonly invalidated = new Map<string, InvalidatedAccumulator>();
  private requests = 0;
  private serviceAccountRequests = 0;
  private stagesFolded = 0;
  private windowStart = '';
  private windowEnd = '';

  constructor(options: AggregatorOptions = {}) {
    this.namesPerShape = options.namesPerShape ?? 200;
    this.tallyLimit = options.tallyLimit ?? 50;
    this.pendingLimit = options.pendingLimit ?? 50_000;
    this.matcher = options.expectations ?? everythingExpected;
    this.counted = new BoundedSet(options.rememberedLimit ?? 4096);
  }

  add(event: AuditEvent): void {
    this.widenWindow(event);
    const id = event.auditID;
    if (!id) {
      this.count(event);
      return;
    }
    // A request waiting for its final stage has not been counted: the usual case asks one map, not two.
    const waited = this.pending.delete(id);
    if (!waited && this.counted.has(id)) {
      this.stagesFolded++;
      return;
    }
    if (waited) this.stagesFolded++;
    if (finalStages.has(event.stage ?? '')) {
      this.counted.addNew(id);
      this.count(event);
      return;
    }
    // A RequestResponse-level stage may carry large bodies; nothing here reads them.
    const slim = event.requestObject === undefined && event.responseObject === undefined ? event : withoutBodies(event);
    // An event read in part waits as it is: its final stage nearly always comes, and it is never parsed.
    this.pending.set(id, event.stage === 'RequestReceived' || event.complete ? slim : pendingRequestOf(slim));
    if (this.pending.size > this.pendingLimit) {
      const [oldestId, oldest] = this.pending.entries().next().value as [string, AuditEvent | PendingRequest];
      this.pending.delete(oldestId);
      this.counted.addNew(oldestId);
      this.count(oldest);
    }
  }

  /** Counts what is still waiting for its final stage (the last stage seen of each) and returns the result. */
  finish(): UsageLog {
    for (const [id, event] of this.pending) {
      this.counted.addNew(id);
      this.count(event);
    }
    this.pending.clear();
    const serviceAccounts = [...this.accounts.values()]
      .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name))
      .map((account) => account.result());
    const invalidatedTokens: InvalidatedTokenUsage[] = [...this.invalidated.values()]
      .sort((a, b) => compare(a.secretNamespace, b.secretNamespace) || compare(a.secretName, b.secretName))
      .map((entry) => ({
        secretNamespace: entry.secretNamespace,
        secretName: entry.secretName,
        count: entry.count,
        ...entry.seen.window(),
      }));
    return {
      window: this.windowStart !== '' && this.windowEnd !== '' ? { firstSeen: this.windowStart, lastSeen: this.windowEnd } : null,
      requests: this.requests,
      serviceAccountRequests: this.serviceAccountRequests,
      stagesFolded: this.stagesFolded,
      serviceAccounts,
      invalidatedTokens,
    };
  }

  private widenWindow(event: AuditEvent): void {
    const start = event.requestReceivedTimestamp ?? event.stageTimestamp;
    const end = event.stageTimestamp ?? event.requestReceivedTimestamp;
    if (start && (this.windowStart === '' || earlier(start, this.windowStart)) && isTimestamp(start)) this.windowStart = start;
    if (end && (this.windowEnd === '' || earlier(this.windowEnd, end)) && isTimestamp(end)) this.windowEnd = end;
  }

  private count(waiting: AuditEvent | PendingRequest): void {
    this.requests++;
    const { invalidated, observed } =
      waiting instanceof PendingRequest ? waiting : pendingRequestOf(waiting.complete ? waiting.complete() : waiting);
    if (invalidated) {
      const key = `${invalidated.secretNamespace}/${invalidated.secretName}`;
      let entry = this.invalidated.get(key);
      if (!entry) {
        entry = { secretNamespace: invalidated.secretNamespace, secretName: invalidated.secretName, count: 0, seen: new SeenRange() };
        this.invalidated.set(key, entry);
      }
      entry.count++;
      entry.seen.add(invalidated.timestamp);
    }
    if (observed.length === 0) return;
    this.serviceAccountRequests++;
    for (const request of observed) {
      let account = this.accounts.get(request.username);
      if (!account) {
        account = new AccountAccumulator(
          request.serviceAccount.namespace,
          request.serviceAccount.name,
          this.namesPerShape,
          this.tallyLimit,
        );
        this.accounts.set(request.username, account);
      }
      account.add(request, this.matcher);
    }
  }
}

/** What a request counts as: the ServiceAccount requests it stands for, and an invalidated token's use. */
class PendingRequest {
  constructor(
    readonly observed: readonly ObservedRequest[],
    readonly invalidated: InvalidatedTokenUse | undefined,
  ) {}
}

function pendingRequestOf(event: AuditEvent): PendingRequest {
  return new PendingRequest(observedRequests(event), invalidatedTokenUse(event));
}

/** The event without its request and response bodies (RequestResponse level), for keeping while it waits. */
function withoutBodies(event: AuditEvent): AuditEvent {
  const { requestObject, responseObject, ...rest } = event;
  void requestObject;
  void responseObject;
  return rest;
}

/** The API server's RFC 3339 form is taken on sight; anything else must parse as a date to count. */
function isTimestamp(text: string): boolean {
  return (
    (text.length >= 20 && text.charCodeAt(4) === 45 && text.charCodeAt(10) === 84 && text.charCodeAt(text.length - 1) === 90) ||
    !Number.isNaN(Date.parse(text))
  );
}

/** Earliest and latest timestamp seen, as logged. */
class SeenRange {
  first = '';
  last = '';

  add(timestamp: string): void {
    if (timestamp === '') return;
    if (this.first === '' || earlier(timestamp, this.first)) this.first = timestamp;
    if (this.last === '' || earlier(this.last, timestamp)) this.last = timestamp;
  }

  window(): { firstSeen: string; lastSeen: string } {
    return { firstSeen: this.first, lastSeen: this.last };
  }
}

interface InvalidatedAccumulator {
  readonly secretNamespace: string;
  readonly secretName: string;
  count: number;
  readonly seen: SeenRange;
}

/**
 * One request shape of a ServiceAccount (verb, group, resource, subresource, namespace or URL), its key
 * fields held once, with a row per object name: a controller touching thousands of objects costs a small
 * row per name, not a copy of the shape's strings each.
 */
class ShapeAccumulator {
  readonly rows = new Map<string, RowAccumulator>();
  other: RowAccumulator | undefined = undefined;

  constructor(
    readonly verb: string,
    readonly apiGroup: string,
    readonly resource: string,
    readonly subresource: string,
    readonly namespace: string,
    readonly nonResourceURL: string,
  ) {}
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

  addCode(code: number): void {
    if (this.codes) this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
    else if (this.code === undefined || this.code === code) {
      this.code = code;
      this.codeCount++;
    } else {
      this.codes = new Map([
        [this.code, this.codeCount],
        [code, 1],
      ]);
    }
  }

  codeCounts(): ResponseCodeCount[] {
    if (this.codes) return [...this.codes].sort((x, y) => x[0] - y[0]).map(([code, count]) => ({ code, count }));
    return this.code === undefined ? [] : [{ code: this.code, count: this.codeCount }];
  }
}

/** A count per value, keeping at most `limit` values; the rest are counted as overflow. */
class CappedTally {
  private readonly counts = new Map<string, { count: number }>();
  overflow = 0;
  // Consecutive requests of a ServiceAccount mostly come from the same client: comparing with the last
  // value is cheaper than hashing it again.
  private lastValue: string | undefined = undefined;
  private last: { count: number } | undefined = undefined;

  constructor(private readonly limit: number) {}

  add(value: string | undefined): void {
    if (value === undefined || value === '') return;
    if (value === this.lastValue && this.last) {
      this.last.count++;
      return;
    }
    let current = this.counts.get(value);
    if (current !== undefined) current.count++;
    else if (this.counts.size < this.limit) this.counts.set(value, (current = { count: 1 }));
    else this.overflow++;
    this.lastValue = value;
    this.last = current;
  }

  result(): Tally[] {
    return [...this.counts].map(([value, { count }]) => ({ value, count })).sort((a, b) => b.count - a.count || compare(a.value, b.value));
  }
}

class UnexpectedAccumulator {
  count = 0;
  readonly seen = new SeenRange();
  readonly examples: string[] = [];

  add(request: ObservedRequest): void {
    this.count++;
    this.seen.add(request.timestamp);
    if (this.examples.length < 3) {
      this.examples.push(
        `${request.timestamp} ${describeRequest(request)} from ${request.sourceIPs.join(', ') || 'an unknown address'} (${request.userAgent || 'no user agent'})`,
      );
    }
  }

  result(): UnexpectedCalls {
    return { count: this.count, ...this.seen.window(), examples: this.examples };
  }
}

class AccountAccumulator {
  /** Request shapes by verb, then resource or URL. */
  private readonly shapes = new Map<string, Map<string, ShapeAccumulator[]>>();
  private count = 0;
  private allowed = 0;
  private denied = 0;
  private readonly seen = new SeenRange();
  private readonly pods: CappedTally;
  private readonly nodes: CappedTally;
  private readonly userAgents: CappedTally;
  private readonly sourceIPs: CappedTally;
  private readonly impersonatedBy: CappedTally;
  private readonly legacy = new Map<string, { secret: string | null; kind: LegacyTokenUsage['kind']; count: number; seen: SeenRange }>();
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
    this.seen.add(request.timestamp);
    this.pods.add(request.pod);
    this.nodes.add(request.node);
    this.userAgents.add(request.userAgent);
    this.sourceIPs.add(request.sourceIPs[0]);
    this.impersonatedBy.add(request.impersonatedBy);
    this.addRow(request);
    if (request.legacyToken) {
      const key = `${request.legacyToken.kind}/${request.legacyToken.secret ?? ''}`;
      let entry = this.legacy.get(key);
      if (!entry) {
        entry = { secret: request.legacyToken.secret ?? null, kind: request.legacyToken.kind, count: 0, seen: new SeenRange() };
        this.legacy.set(key, entry);
      }
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

  private addRow(request: ObservedRequest): void {
    // By verb, then resource (or URL), then the few shapes sharing both: short keys instead of one long
    // key built and hashed for every request.
    let byResource = this.shapes.get(request.verb);
    if (!byResource) this.shapes.set(request.verb, (byResource = new Map()));
    const resourceKey = request.resource === '' ? request.nonResourceURL : request.resource;
    let candidates = byResource.get(resourceKey);
    if (!candidates) byResource.set(resourceKey, (candidates = []));
    let shape = candidates.find(
      (known) =>
        known.namespace === request.namespace &&
        known.apiGroup === request.apiGroup &&
        known.subresource === request.subresource &&
        known.resource === request.resource,
    );
    if (!shape) {
      shape = new ShapeAccumulator(
        request.verb,
        request.apiGroup,
        request.resource,
        request.subresource,
        request.namespace,
        request.nonResourceURL,
      );
      candidates.push(shape);
    }
    let row = shape.rows.get(request.name);
    if (!row) {
      if (request.name !== '' && shape.rows.size >= this.namesPerShape) row = shape.other ??= new RowAccumulator('', true);
      else {
        row = new RowAccumulator(request.name, false);
        shape.rows.set(request.name, row);
      }
    }
    row.count++;
    if (request.decision === 'forbid') row.denied++;
    else row.allowed++;
    row.add(request.timestamp);
    if (request.code !== undefined) row.addCode(request.code);
  }

  result(): ServiceAccountUsage {
    const requests: RequestUsage[] = [];
    for (const shape of [...this.shapes.values()].flatMap((byResource) => [...byResource.values()].flat())) {
      for (const row of shape.other ? [...shape.rows.values(), shape.other] : shape.rows.values()) {
        requests.push({
          verb: shape.verb,
          apiGroup: shape.apiGroup,
          resource: shape.resource,
          subresource: shape.subresource,
          namespace: shape.namespace,
          name: row.name,
          nonResourceURL: shape.nonResourceURL,
          count: row.count,
          allowed: row.allowed,
          denied: row.denied,
          firstSeen: row.first,
          lastSeen: row.last,
          codes: row.codeCounts(),
          otherNames: row.otherNames,
        });
      }
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
      ...this.seen.window(),
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

/** Remembers up to `limit` strings, forgetting the oldest first. */
class BoundedSet {
  private readonly items = new Set<string>();
  private readonly order: string[] = [];
  private next = 0;

  constructor(private readonly limit: number) {}

  has(item: string): boolean {
    return this.items.has(item);
  }

  /** Remembers an item known not to be remembered yet. */
  addNew(item: string): void {
    if (this.order.length < this.limit) this.order.push(item);
    else {
      const evicted = this.order[this.next];
      if (evicted !== undefined) this.items.delete(evicted);
      this.order[this.next] = item;
      this.next = (this.next + 1) % this.limit;
    }
    this.items.add(item);
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
