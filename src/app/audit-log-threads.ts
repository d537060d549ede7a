/**
 * A large audit log read by several threads, one per core: the files (in log order) cut into as many
 * stretches of about equal size (plain files by byte range, a gzip file whole), the first folded by the main
 * thread, each other by a thread of its own (audit-log-thread.ts), their partials absorbed in log order
 * (UsageAggregator.absorb). The answer is
 * byte for byte what one thread reading the whole log gives; where absorbing cannot promise that (see
 * usage-aggregator.ts), the log is read again by one thread.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { InputError } from '../errors/kubectl-sa-error.js';
import { holdHeapGrowthFor, severalReaders } from '../sources/heap-growth.js';
import {
  progressReporter,
  readAuditLogPiece,
  summaryOf,
  totalBytesOf,
  type AuditLogPiece,
  type AuditReadSummary,
  type ListedFile,
  type PieceRead,
  type ReadAuditLogOptions,
} from '../sources/audit-log/read-audit-logs.js';
import type { Expectations } from '../usage/expectations.js';
import type { AccountState } from '../usage/usage-accumulators.js';
import { UsageAggregator, type CallExpectations, type UsagePartial } from '../usage/usage-aggregator.js';
import type { UsageLog } from '../usage/usage-types.js';
import type { AuditLogThreadJob, AuditLogThreadMessage } from './audit-log-thread.js';
import { canStartProgramThreads, startProgramThread } from './program-threads.js';

/** Below this much log per thread, starting a thread (loading the program again) costs more than it saves. */
const minimumBytesPerThread = 32 * 1024 * 1024;
/** A gzip file is weighed as this many times its size (audit logs compress about tenfold). */
const gzipRatio = 10;

/**
 * How many threads to read with: `KUBECTL_SA_AUDIT_THREADS` (1 reads on the main thread) or, by default, one
 * per core on a machine with more than two, at most one per 32 MiB of log; none when the program cannot
 * start threads of its own. Two cores read with one thread unless asked: two readers of a 1 GiB log now
 * fit the same memory (about 280-300 MB at the peak either way), but they take about 45% more CPU time in
 * all (22.7 s against 15.5 s, a third of it V8's collector threads keeping two heaps small), for a wall
 * time only about a tenth shorter even when the other core is idle (bench/RESULTS.md, issue 15, fifth round).
 */
export function auditLogThreadCount(files: readonly ListedFile[], requested: number | undefined): number {
  if (!canStartProgramThreads() || totalBytesOf(files) === undefined) return 1;
  if (requested !== undefined) return requested;
  const cores = availableParallelism();
  if (cores <= 2) return 1;
  const weight = files.reduce((sum, file) => sum + weightOf(file), 0);
  return Math.max(1, Math.min(cores, Math.floor(weight / minimumBytesPerThread)));
}

/** The files cut into `count` stretches of about equal weight, in log order. */
export function planRanges(files: readonly ListedFile[], count: number): AuditLogPiece[][] {
  const total = files.reduce((sum, file) => sum + weightOf(file), 0);
  const target = total / count;
  const ranges: AuditLogPiece[][] = [[]];
  let filled = 0;
  const next = () => {
    if (filled >= target && ranges.length < count) {
      ranges.push([]);
      filled = 0;
    }
  };
  for (const file of files) {
    const size = file.size ?? 0;
    if (file.gzip) {
      ranges.at(-1)!.push({ file, start: 0, end: undefined });
      filled += weightOf(file);
      next();
      continue;
    }
    let start = 0;
    while (start < size) {
      const room = Math.ceil(target - filled);
      if (ranges.length === count || size - start <= room) {
        ranges.at(-1)!.push({ file, start, end: undefined });
        filled += size - start;
        next();
        break;
      }
      ranges.at(-1)!.push({ file, start, end: start + room });
      start += room;
      filled += room;
      next();
    }
  }
  return ranges.filter((range) => range.length > 0);
}

function weightOf(file: ListedFile): number {
  return (file.size ?? 0) * (file.gzip ? gzipRatio : 1);
}

export interface ThreadedRead {
  readonly log: UsageLog;
  readonly summary: AuditReadSummary;
}

/**
 * Reads the ranges in threads and absorbs their partials in order; undefined when the result could not be
 * one reader's (the caller reads again in one thread).
 */
export async function readInThreads(
  files: readonly ListedFile[],
  listingWarnings: readonly string[],
  ranges: readonly (readonly AuditLogPiece[])[],
  options: ReadAuditLogOptions & { readonly expectations: Expectations | undefined; readonly matcher: CallExpectations | undefined },
): Promise<ThreadedRead | undefined> {
  const progress = progressReporter(options, totalBytesOf(files));
  // Several heaps of aggregates at once: each held closer than one reader's, until the threads are done.
  const releaseHeap = holdHeapGrowthFor(severalReaders);
  const workers: Worker[] = [];
  try {
    // The main thread reads the first range itself (one heap fewer than a thread of its own), the others
    // each read one in a thread.
    const aggregator = new UsageAggregator(options.matcher ? { expectations: options.matcher } : {});
    // A thread's ServiceAccounts are absorbed as they come, one message at a time, even while the main thread
    // still reads its own range (the aggregates do not depend on order): parsed into garbage that dies young,
    // never all of a thread's at once, in its heap or in ours, and the thread's heap goes as soon as it is done.
    const others = Promise.all(
      ranges.slice(1).map((pieces) => {
        const job: AuditLogThreadJob = {
          kind: 'audit-log-range',
          pieces,
          first: false,
          expectations: options.expectations,
          badLineSamples: options.badLineSamples ?? 5,
        };
        const worker = startProgramThread(job);
        workers.push(worker);
        return resultOf(
          worker,
          (message) => {
            progress.bytes(message.bytes);
            progress.events(message.events);
            progress.tick(message.file, false);
          },
          (states) => aggregator.absorbAccounts(JSON.parse(states) as AccountState[]),
        );
      }),
    );
    const own = (async () => {
      const reads: PieceRead[] = [];
      for (const piece of ranges[0] ?? []) reads.push(await readAuditLogPiece(piece, (event) => aggregator.add(event), progress, options));
      return reads;
    })();
    const [ownReads, results] = await Promise.all([own, others]);
    // The rest of each partial in log order: it continues the ranges before it.
    for (const { partial } of results) if (!aggregator.absorb(JSON.parse(partial) as UsagePartial)) return undefined;
    const summary = summaryOf([...ownReads, ...results.flatMap((result) => result.reads)], listingWarnings, files, options.badLineSamples);
    progress.tick(files.at(-1)?.name ?? '', true);
    return { log: aggregator.finish(), summary };
  } finally {
    for (const worker of workers) void worker.terminate();
    releaseHeap();
  }
}

/** What a thread sent at its end, besides its ServiceAccounts: its reads, and the rest of its partial as JSON text. */
interface ThreadResult {
  readonly reads: readonly PieceRead[];
  readonly partial: string;
}

function resultOf(
  worker: Worker,
  onProgress: (message: Extract<AuditLogThreadMessage, { type: 'progress' }>) => void,
  onAccounts: (states: string) => void,
): Promise<ThreadResult> {
  return new Promise((resolve, reject) => {
    worker.on('message', (message: AuditLogThreadMessage) => {
      if (message.type === 'progress') onProgress(message);
      else if (message.type === 'accounts') onAccounts(message.states);
      else if (message.type === 'done') {
        // Its heap goes before the main thread absorbs what it sent.
        void worker.terminate();
        resolve({ reads: message.reads, partial: message.partial });
      } else
        reject(
          message.input
            ? new InputError(message.message, message.hint === undefined ? {} : { hint: message.hint })
            : new Error(`an audit log reading thread failed: ${message.message}`),
        );
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`an audit log reading thread stopped before its end (exit code ${code})`)));
  });
}
