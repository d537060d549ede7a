/**
 * One thread's share of a large audit log (a byte range of its files, or whole files): read and folded by
 * an aggregator of its own, sent back as a partial for audit-log-threads.ts to absorb in log order.
 */
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
    const { reads, aggregator } = await readRange(job, (file, bytes, events) =>
      port.postMessage({ type: 'progress', file, bytes, events }),
    );
    // As JSON text: V8 parses JSON faster than it deserializes a structured clone of the same data.
    for (const states of aggregator.accountStates(accountsPerMessage))
      port.postMessage({ type: 'accounts', states: JSON.stringify(states) } satisfies AuditLogThreadMessage);
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

/** Reads the job's pieces into an aggregator; `progress` gets bytes and events read since its last call. */
export async function readRange(
  job: AuditLogThreadJob,
  progress: (file: string, bytes: number, events: number) => void,
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
  const reads: PieceRead[] = [];
  for (const piece of job.pieces)
    reads.push(await readAuditLogPiece(piece, (event) => aggregator.add(event), counter, { badLineSamples: job.badLineSamples }));
  return { reads, aggregator };
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
