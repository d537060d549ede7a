/**
 * One thread's share of a large audit log (a byte range of its files, or whole files): read and folded by
 * an aggregator of its own, sent back as a partial for audit-log-threads.ts to absorb in log order. Its
 * ServiceAccounts go to the main thread whenever its heap grows past a few tens of MB, not only at its end.
 */
import v8 from 'node:v8';
import type { MessagePort } from 'node:worker_threads';
import { InputError } from '../errors/kubectl-sa-error.js';
import { holdHeapGrowthFor, severalReaders } from '../sources/heap-growth.js';
import {
  readAuditLogPiece,
  textAround,
  type AuditLogPiece,
  type PieceRead,
  type ProgressCounter,
} from '../sources/audit-log/read-audit-logs.js';
import type { AuditEvent } from '../usage/audit-event.js';
import { ExpectationMatcher, type Expectations } from '../usage/expectations.js';
import { before } from '../usage/usage-accumulators.js';
import { UsageAggregator } from '../usage/usage-aggregator.js';

export interface AuditLogThreadJob {
  readonly kind: 'audit-log-range';
  /** In log order; the first may start inside a file. */
  readonly pieces: readonly AuditLogPiece[];
  /** The log's first range: nothing was logged before it. */
  readonly first: boolean;
  readonly expectations: Expectations | undefined;
  readonly badLineSamples: number;
}

export type AuditLogThreadMessage =
  | { readonly type: 'progress'; readonly file: string; readonly bytes: number; readonly events: number }
  /** Some of the range's ServiceAccounts (AccountState[] as JSON text), before `done`. */
  | { readonly type: 'accounts'; readonly states: string }
  /** The rest of the range's partial (UsagePartial as JSON text, its ServiceAccounts sent before). */
  | { readonly type: 'done'; readonly reads: readonly PieceRead[]; readonly partial: string }
  | { readonly type: 'error'; readonly message: string; readonly input: boolean; readonly hint: string | undefined };

export async function runAuditLogThread(job: AuditLogThreadJob, port: Pick<MessagePort, 'postMessage'>): Promise<void> {
  try {
    holdHeapGrowthFor(severalReaders);
    const send = (aggregator: UsageAggregator) => {
      // As JSON text: V8 parses JSON faster than it deserializes a structured clone of the same data.
      for (const states of aggregator.accountStates(accountsPerMessage))
        port.postMessage({ type: 'accounts', states: JSON.stringify(states) } satisfies AuditLogThreadMessage);
    };
    const { reads, aggregator } = await readRange(
      job,
      (file, bytes, events) => port.postMessage({ type: 'progress', file, bytes, events }),
      { heapLimit: threadHeapLimit, heapUsed: () => v8.getHeapStatistics().used_heap_size, everyEvents: 1024, send },
    );
    send(aggregator);
    port.postMessage({ type: 'done', reads, partial: JSON.stringify(aggregator.partial()) } satisfies AuditLogThreadMessage);
  } catch (error) {
    port.postMessage({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
      input: error instanceof InputError,
      hint: error instanceof InputError ? error.hint : undefined,
    } satisfies AuditLogThreadMessage);
  }
}

/**
 * ServiceAccounts per message: about 65 KB of JSON on a realistic log, small enough for what is made to send
 * them to die in the young generation, so that neither thread holds the range's aggregates twice (as objects
 * and as text, or as text and parsed). 100 at a time grew the thread's old generation by a fifth.
 */
const accountsPerMessage = 10;

/**
 * The heap a reading thread keeps its ServiceAccounts within (its program and buffers take about 14 MB of it).
 * Holding a whole range's aggregates, a thread's heap grew to 85 MB live and 100 MB committed on the harsh
 * 1 GiB log (a range meets nearly every ServiceAccount; the main thread's absorbs them all anyway): two readers
 * peaked at 297-312 MB. Sending them on at 32 MiB (and starting afresh) keeps the thread's heap near that: 244-275 MB,
 * for no CPU time that shows (bench/RESULTS.md, issue 15, seventh round).
 */
export const threadHeapLimit = 32 * 1024 * 1024;

/**
 * When a reading thread lets go of its ServiceAccounts (`send`: to the main thread, which absorbs them; the
 * aggregates are order-independent, so any split of a range's requests gives the same answer).
 */
export interface AccountRelease {
  /** Heap in use, in bytes, above which the ServiceAccounts go. */
  readonly heapLimit: number;
  readonly heapUsed: () => number;
  /** Events read between two looks at the heap. */
  readonly everyEvents: number;
  readonly send: (aggregator: UsageAggregator) => void;
}

/** Reads the job's pieces into an aggregator; `progress` gets bytes and events read since its last call. */
export async function readRange(
  job: AuditLogThreadJob,
  progress: (file: string, bytes: number, events: number) => void,
  release?: AccountRelease,
): Promise<{ reads: PieceRead[]; aggregator: UsageAggregator }> {
  const start = job.pieces[0];
  const earlierRequestsUpTo = job.first || !start ? undefined : latestReceivedIn(await textAround(start.file, start.start));
  const aggregator = new UsageAggregator({
    ...(job.expectations ? { expectations: new ExpectationMatcher(job.expectations) } : {}),
    earlierRequestsUpTo,
  });
  let bytes = 0;
  let events = 0;
  let last = 0;
  const counter: ProgressCounter = {
    bytes: (count) => {
      bytes += count;
    },
    events: (count) => {
      events += count;
    },
    tick: (file, force) => {
      const now = Date.now();
      if (!force && now - last < 100) return;
      last = now;
      progress(file, bytes, events);
      bytes = events = 0;
    },
  };
  const add = release ? releasing(aggregator, release) : (event: AuditEvent) => aggregator.add(event);
  const reads: PieceRead[] = [];
  for (const piece of job.pieces) reads.push(await readAuditLogPiece(piece, add, counter, { badLineSamples: job.badLineSamples }));
  return { reads, aggregator };
}

/** Adds events to `aggregator`, letting go of its ServiceAccounts whenever the heap holds more than `release` allows. */
function releasing(aggregator: UsageAggregator, release: AccountRelease): (event: AuditEvent) => void {
  let sinceLook = 0;
  let limit = release.heapLimit;
  return (event) => {
    aggregator.add(event);
    if (++sinceLook < release.everyEvents) return;
    sinceLook = 0;
    const used = release.heapUsed();
    // Below the limit: a full collection has come since the last release (or none was made).
    if (used <= release.heapLimit) limit = release.heapLimit;
    else if (used > limit) {
      release.send(aggregator);
      // What went stays in the heap until V8's next full collection: until then, the next release waits for as much again.
      limit = used + release.heapLimit / 2;
    }
  };
}

/**
 * The latest time a request was received among the lines of `text` (what was logged just before a range,
 * or at its start): a request received later cannot have been logged before the range. Nothing found: a
 * time after any log, so that every request the range meets first is held and the merge decides.
 */
export function latestReceivedIn(text: string): string {
  let latest = '';
  for (const match of text.matchAll(/"requestReceivedTimestamp":"([^"\\]*)"/g)) {
    const value = match[1] ?? '';
    if (latest === '' || before(latest, value)) latest = value;
  }
  return latest === '' ? '9999-12-31T23:59:59.999999Z' : latest;
}
