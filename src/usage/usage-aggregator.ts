/**
 * Folds a stream of audit events into per-ServiceAccount aggregates. Each request counts once, however
 * many stages the audit policy logged for it: the final stage (ResponseComplete or Panic) when it comes,
 * else the last stage seen. Memory is bounded by what is aggregated (distinct requests per ServiceAccount,
 * with per-request-shape and per-list caps), never by the number of events.
 *
 * This runs for every event of logs of many gigabytes: the hot path allocates little (no per-event
 * objects beyond the parsed event and one record per ServiceAccount request), compares timestamps as
 * text, and keeps requests waiting for their final stage as those records, not as events.
 *
 * A large log is read by several threads, each a byte range with an aggregator of its own (`partial()`),
 * absorbed in log order into one (`absorb()`). The aggregates are order-independent (usage-accumulators.ts);
 * what is not is pairing a request's stages, which may straddle a range's start. A range's aggregator
 * therefore holds back, uncounted, the requests it meets for the first time that could have begun before
 * it (received no later than the latest request received before it), with every stage it sees of them;
 * `absorb()` replays those stages against the state the ranges before left (the requests still waiting
 * for their final stage, the auditIDs counted recently), exactly as one reader would have met them.
 * Where that cannot be exact (a bound binds differently), `absorb()` says so and the caller reads again.
 */
import { isFinalStage, type AuditEvent } from './audit-event.js';
import {
  AccountAccumulator,
  before,
  compare,
  SeenRange,
  type AccountState,
  type CallExpectations,
  type InvalidatedAccumulator,
} from './usage-accumulators.js';
import {
  earlier,
  invalidatedTokenUse,
  observedRequests,
  serviceAccountPrefix,
  type InvalidatedTokenUse,
  type ObservedRequest,
} from './observed-request.js';
import type { InvalidatedTokenUsage, ServiceAccountUsage, UsageLog } from './usage-types.js';

export type { CallExpectations };

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
  /**
   * Set when this aggregator reads a range that starts inside a log: requests received no later than this
   * (RFC 3339) may have stages before the range, and are held for `absorb()` (see above).
   */
  readonly earlierRequestsUpTo?: string | undefined;
}

/** What a request counts as: the ServiceAccount requests it stands for, and an invalidated token's use. */
export interface CountedRequest {
  readonly observed: readonly ObservedRequest[];
  readonly invalidated: InvalidatedTokenUse | undefined;
}

/** A stage of a held request, in log order: `at` is how many auditIDs the range had counted before it. */
export interface HeldStage {
  readonly id: string;
  readonly final: boolean;
  readonly at: number;
  readonly counts: CountedRequest;
}

/** One range's aggregates and the state its end leaves, as data a worker thread can send (structured clone). */
export interface UsagePartial {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly latestReceived: string;
  readonly requests: number;
  readonly serviceAccountRequests: number;
  readonly stagesFolded: number;
  readonly serviceAccounts: readonly AccountState[];
  readonly invalidatedTokens: readonly InvalidatedTokenUsage[];
  /** Requests still waiting for their final stage, oldest first. */
  readonly pending: readonly (readonly [string, CountedRequest])[];
  /** The auditIDs counted last (at most the remembered limit), oldest first, and how many were counted in all. */
  readonly remembered: readonly string[];
  readonly countedTotal: number;
  readonly maxPending: number;
  readonly held: readonly HeldStage[];
  readonly heldIds: number;
  readonly earlierRequestsUpTo: string | null;
  /** False when this range cannot be merged exactly (too many held requests, a fold a held request may change). */
  readonly exact: boolean;
}

export class UsageAggregator {
  private readonly namesPerShape: number;
  private readonly tallyLimit: number;
  private readonly pendingLimit: number;
  private readonly rememberedLimit: number;
  private readonly matcher: CallExpectations;
  private readonly earlierRequestsUpTo: string | undefined;
  /**
   * Requests waiting for their final stage, by auditID. A RequestReceived stage waits milliseconds and is
   * kept as it came; a ResponseStarted one (a watch) may wait for minutes, so only what it will count as is
   * kept (its ServiceAccount requests), not the parsed event. A stage the log reader read only in part
   * waits as it is, and is parsed only if it ever counts.
   */
  private pending = new Map<string, AuditEvent | PendingRequest>();
  private counted: RememberedIds;
  private readonly held = new Map<string, HeldStage[]>();
  private readonly heldOrder: HeldStage[] = [];
  private readonly accounts = new Map<string, AccountAccumulator>();
  private readonly invalidated = new Map<string, InvalidatedAccumulator>();
  private requests = 0;
  private serviceAccountRequests = 0;
  private stagesFolded = 0;
  private windowStart = '';
  private windowEnd = '';
  private latestReceived = '';
  private maxPending = 0;
  private exact = true;
  /** Whether anything was added or absorbed: a partial absorbed then must continue what came before. */
  private started = false;

  constructor(options: AggregatorOptions = {}) {
    this.namesPerShape = options.namesPerShape ?? 200;
    this.tallyLimit = options.tallyLimit ?? 50;
    this.pendingLimit = options.pendingLimit ?? 50_000;
    this.rememberedLimit = options.rememberedLimit ?? 4096;
    this.matcher = options.expectations ?? everythingExpected;
    this.earlierRequestsUpTo = options.earlierRequestsUpTo;
    this.counted = new RememberedIds(this.rememberedLimit);
  }

  add(event: AuditEvent): void {
    this.started = true;
    this.widenWindow(event);
    const id = event.auditID;
    if (!id) {
      this.count(event);
      return;
    }
    // A request waiting for its final stage has not been counted: the usual case asks one map, not two.
    const waited = this.pending.delete(id);
    if (!waited) {
      if (this.counted.has(id)) {
        // Held requests that turn out to count were counted in between for one reader: it may have forgotten this one.
        if (
          this.earlierRequestsUpTo !== undefined &&
          this.held.size > 0 &&
          (this.counted.age(id) ?? 0) + this.held.size >= this.rememberedLimit
        )
          this.exact = false;
        this.stagesFolded++;
        return;
      }
      if (this.earlierRequestsUpTo !== undefined && this.hold(id, event)) return;
    }
    if (waited) this.stagesFolded++;
    if (isFinalStage(event.stage)) {
      this.counted.addNew(id);
      this.count(event);
      return;
    }
    // A RequestResponse-level stage may carry large bodies; nothing here reads them.
    const slim = event.requestObject === undefined && event.responseObject === undefined ? event : withoutBodies(event);
    // An event read in part waits as it is: its final stage nearly always comes, and it is never parsed.
    this.pending.set(id, event.stage === 'RequestReceived' || event.complete ? slim : pendingRequestOf(slim));
    if (this.pending.size > this.maxPending) this.maxPending = this.pending.size;
    if (this.pending.size > this.pendingLimit) {
      const [oldestId, oldest] = this.pending.entries().next().value as [string, AuditEvent | PendingRequest];
      this.pending.delete(oldestId);
      this.counted.addNew(oldestId);
      this.count(oldest);
    }
  }

  /** Holds the stage when its request is held, or may have begun before this range; whether it did. */
  private hold(id: string, event: AuditEvent): boolean {
    let stages = this.held.get(id);
    if (!stages) {
      if (!mayContinue(event.requestReceivedTimestamp, this.earlierRequestsUpTo ?? '')) return false;
      if (this.held.size >= this.pendingLimit) {
        // More requests straddle the range's start than one reader keeps waiting: the range cannot be merged
        // exactly (the log is read again in one thread), and holding more would only cost memory.
        this.exact = false;
        return true;
      }
      this.held.set(id, (stages = []));
    }
    const stage: HeldStage = {
      id,
      final: isFinalStage(event.stage),
      at: this.counted.total,
      counts: countedOf(event.complete ? event.complete() : event),
    };
    stages.push(stage);
    this.heldOrder.push(stage);
    return true;
  }

  /** Counts what is still waiting for its final stage (the last stage seen of each) and returns the result. */
  finish(): UsageLog {
    for (const [id, event] of this.pending) {
      this.counted.addNew(id);
      this.count(event);
    }
    this.pending.clear();
    return {
      window: this.windowStart !== '' && this.windowEnd !== '' ? { firstSeen: this.windowStart, lastSeen: this.windowEnd } : null,
      requests: this.requests,
      serviceAccountRequests: this.serviceAccountRequests,
      stagesFolded: this.stagesFolded,
      serviceAccounts: this.serviceAccountResults(),
      invalidatedTokens: this.invalidatedResults(),
    };
  }

  /** This range's aggregates and end state, for `absorb()` on the aggregator of the whole log (see above). */
  partial(): UsagePartial {
    return {
      windowStart: this.windowStart,
      windowEnd: this.windowEnd,
      latestReceived: this.latestReceived,
      requests: this.requests,
      serviceAccountRequests: this.serviceAccountRequests,
      stagesFolded: this.stagesFolded,
      serviceAccounts: [...this.accounts.values()].map((account) => account.state()),
      invalidatedTokens: this.invalidatedResults(),
      pending: [...this.pending].map(([id, waiting]) => [id, countedOf(waiting)] as const),
      remembered: this.counted.ordered(),
      countedTotal: this.counted.total,
      maxPending: this.maxPending,
      held: this.heldOrder,
      heldIds: this.held.size,
      earlierRequestsUpTo: this.earlierRequestsUpTo ?? null,
      exact: this.exact,
    };
  }

  /**
   * This range's ServiceAccounts as data, `size` at a time, each let go as it is given: a thread sends them
   * without holding its aggregates and a copy of them at once. `partial()` then carries none.
   */
  *accountStates(size: number): Generator<AccountState[]> {
    let batch: AccountState[] = [];
    for (const [username, account] of this.accounts) {
      batch.push(account.state());
      this.accounts.delete(username);
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /**
   * Folds in ServiceAccounts of a later range (`accountStates()`), before its `absorb()`. The aggregates
   * are order-independent, so when does not matter; should `absorb()` then refuse the range, the log is
   * read again by a new aggregator anyway.
   */
  absorbAccounts(states: readonly AccountState[]): void {
    for (const state of states) this.account(state.namespace, state.name).absorbState(state);
  }

  /**
   * Folds in the next range's `partial()`, as if its events had been added here. False when the result
   * would not be exactly one reader's: the caller then reads the log in one pass.
   */
  absorb(partial: UsagePartial): boolean {
    if (!partial.exact) return false;
    if (this.started) {
      const upTo = partial.earlierRequestsUpTo;
      if (upTo === null || (this.latestReceived !== '' && !mayContinue(this.latestReceived, upTo))) return false;
      if (this.pending.size + partial.maxPending + partial.heldIds > this.pendingLimit) return false;
    } else if (partial.held.length > 0) return false;
    this.started = true;
    this.requests += partial.requests;
    this.serviceAccountRequests += partial.serviceAccountRequests;
    this.stagesFolded += partial.stagesFolded;
    this.widen(partial.windowStart, partial.windowEnd, partial.latestReceived);
    this.absorbAccounts(partial.serviceAccounts);
    for (const token of partial.invalidatedTokens) {
      const entry = this.invalidatedEntry(token.secretNamespace, token.secretName);
      entry.count += token.count;
      entry.seen.absorb(token);
    }
    const countedHere = this.replayHeld(partial.held);
    for (const [id, counts] of partial.pending) this.pending.set(id, new PendingRequest(counts.observed, counts.invalidated));
    this.counted = this.counted.followedBy(partial.remembered, partial.countedTotal, countedHere);
    return true;
  }

  /**
   * The held stages as one reader meets them: after the ranges before (their waiting requests and
   * remembered auditIDs), among this range's own counts. Returns the held requests counted, with where.
   */
  private replayHeld(held: readonly HeldStage[]): { id: string; at: number }[] {
    const countedHere: { id: string; at: number }[] = [];
    /** Where in this range's counting (its own and the held ones) a held request was counted. */
    const countedAt = new Map<string, number>();
    const remembered = this.counted.ordered();
    const ages = new Map(remembered.map((id, index) => [id, remembered.length - 1 - index]));
    for (const stage of held) {
      const now = stage.at + countedHere.length;
      const waited = this.pending.delete(stage.id);
      if (!waited) {
        const here = countedAt.get(stage.id);
        const age = ages.get(stage.id);
        const known = here !== undefined ? now - here <= this.rememberedLimit : age !== undefined && age + now < this.rememberedLimit;
        if (known) {
          this.stagesFolded++;
          continue;
        }
      } else this.stagesFolded++;
      if (stage.final) {
        countedAt.set(stage.id, now);
        countedHere.push({ id: stage.id, at: stage.at });
        this.count(new PendingRequest(stage.counts.observed, stage.counts.invalidated));
      } else this.pending.set(stage.id, new PendingRequest(stage.counts.observed, stage.counts.invalidated));
    }
    return countedHere;
  }

  private serviceAccountResults(): ServiceAccountUsage[] {
    return [...this.accounts.values()]
      .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name))
      .map((account) => account.result());
  }

  private invalidatedResults(): InvalidatedTokenUsage[] {
    return [...this.invalidated.values()]
      .sort((a, b) => compare(a.secretNamespace, b.secretNamespace) || compare(a.secretName, b.secretName))
      .map((entry) => ({
        secretNamespace: entry.secretNamespace,
        secretName: entry.secretName,
        count: entry.count,
        ...entry.seen.window(),
      }));
  }

  private widenWindow(event: AuditEvent): void {
    const received = event.requestReceivedTimestamp;
    if (
      received &&
      this.latestReceived !== '' &&
      this.windowStart !== '' &&
      before(this.latestReceived, received) &&
      isTimestamp(received)
    ) {
      // The usual event (a log comes mostly in time order): a request received later than any before it cannot
      // start the window earlier, as the window starts no later than the latest request received.
      this.latestReceived = received;
      this.widen(undefined, event.stageTimestamp ?? received, undefined);
      return;
    }
    this.widen(received ?? event.stageTimestamp, event.stageTimestamp ?? received, received);
  }

  private widen(start: string | undefined, end: string | undefined, received: string | undefined): void {
    if (start && (this.windowStart === '' || before(start, this.windowStart)) && isTimestamp(start)) this.windowStart = start;
    if (end && (this.windowEnd === '' || before(this.windowEnd, end)) && isTimestamp(end)) this.windowEnd = end;
    if (received && (this.latestReceived === '' || before(this.latestReceived, received)) && isTimestamp(received))
      this.latestReceived = received;
  }

  private count(waiting: AuditEvent | PendingRequest): void {
    this.requests++;
    let observed: readonly ObservedRequest[];
    let invalidated: InvalidatedTokenUse | undefined;
    if (waiting instanceof PendingRequest) ({ observed, invalidated } = waiting);
    else {
      // The usual case, a final stage counted as it comes: read as it is, without a record made for it.
      const event = waiting.complete ? waiting.complete() : waiting;
      observed = observedRequests(event);
      invalidated = invalidatedTokenUse(event);
    }
    if (invalidated) {
      const entry = this.invalidatedEntry(invalidated.secretNamespace, invalidated.secretName);
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

  private account(namespace: string, name: string): AccountAccumulator {
    const username = `${serviceAccountPrefix}${namespace}:${name}`;
    let account = this.accounts.get(username);
    if (!account) this.accounts.set(username, (account = new AccountAccumulator(namespace, name, this.namesPerShape, this.tallyLimit)));
    return account;
  }

  private invalidatedEntry(secretNamespace: string, secretName: string): InvalidatedAccumulator {
    const key = `${secretNamespace}/${secretName}`;
    let entry = this.invalidated.get(key);
    if (!entry) {
      entry = { secretNamespace, secretName, count: 0, seen: new SeenRange() };
      this.invalidated.set(key, entry);
    }
    return entry;
  }
}

class PendingRequest implements CountedRequest {
  constructor(
    readonly observed: readonly ObservedRequest[],
    readonly invalidated: InvalidatedTokenUse | undefined,
  ) {}
}

function pendingRequestOf(event: AuditEvent): PendingRequest {
  return new PendingRequest(observedRequests(event), invalidatedTokenUse(event));
}

/** A waiting request as plain data (a class instance loses its class on the way to another thread). */
function countedOf(waiting: AuditEvent | PendingRequest): CountedRequest {
  const request = waiting instanceof PendingRequest ? waiting : pendingRequestOf(waiting.complete ? waiting.complete() : waiting);
  return { observed: request.observed, invalidated: request.invalidated };
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

/**
 * Whether a request received at `received` may have been logged before a range whose earlier requests
 * were received up to `upTo`: yes when received no later, and when it cannot be told (no or no valid time).
 */
function mayContinue(received: string | undefined, upTo: string): boolean {
  if (received === undefined) return true;
  if (received.length === upTo.length && received.charCodeAt(received.length - 1) === 90 && upTo.charCodeAt(upTo.length - 1) === 90)
    return received <= upTo;
  const at = Date.parse(received);
  return Number.isNaN(at) || !earlier(upTo, received);
}

/**
 * Remembers the last `limit` auditIDs counted (one reader's memory of them), forgetting the oldest first;
 * can tell how many were counted after one (a walk of the ring: asked only when a range is merged).
 */
class RememberedIds {
  private readonly items = new Set<string>();
  private readonly order: string[] = [];
  private next = 0;
  /** How many were ever remembered. */
  total = 0;

  constructor(private readonly limit: number) {}

  has(item: string): boolean {
    return this.items.has(item);
  }

  /** How many were remembered after `item` (0: it was the last); undefined when it is not remembered. */
  age(item: string): number | undefined {
    if (!this.items.has(item)) return undefined;
    const ordered = this.ordered();
    return ordered.length - 1 - ordered.lastIndexOf(item);
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
    this.total++;
  }

  /** Oldest first. */
  ordered(): string[] {
    return this.order.length < this.limit ? [...this.order] : [...this.order.slice(this.next), ...this.order.slice(0, this.next)];
  }

  /**
   * What one reader would remember after this and then a range that counted `total` auditIDs of its own
   * (the last of them `last`, oldest first) and, among them, `held` ones (each after `at` of its own).
   */
  followedBy(last: readonly string[], total: number, held: readonly { id: string; at: number }[]): RememberedIds {
    const known = total - last.length;
    const sequence: string[] = known === 0 ? this.ordered() : [];
    let next = 0;
    for (let index = 0; index <= last.length; index++) {
      while (next < held.length && held[next]!.at <= known + index) {
        if (held[next]!.at >= known) sequence.push(held[next]!.id);
        next++;
      }
      if (index < last.length) sequence.push(last[index]!);
    }
    // An auditID forgotten and counted again is remembered once, at its later place.
    const kept: string[] = [];
    const seen = new Set<string>();
    for (let index = sequence.length - 1; index >= 0 && kept.length < this.limit; index--) {
      const item = sequence[index]!;
      if (!seen.has(item)) kept.push(item);
      seen.add(item);
    }
    const result = new RememberedIds(this.limit);
    for (const item of kept.reverse()) result.addNew(item);
    return result;
  }
}
