/**
 * A large audit log read by several threads (how many: auditLogThreadCount): the files (in log order) cut
 * into as many stretches of about equal size (plain files by byte range, a gzip file whole), the first folded
 * by the main thread, each other by a thread of its own (audit-log-thread.ts) that sends its ServiceAccounts
 * on as it reads; their partials absorbed in log order (UsageAggregator.absorb). The answer is byte for byte
 * what one thread reading the whole log gives; where absorbing cannot promise that (see usage-aggregator.ts),
 * the log is read again by one thread.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ConfigError, InputError } from '../errors/kubectl-sa-error.js';
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
 * The peak memory the default number of readers must stay within: issue 15's 300 MB for a 1 GiB log, measured
 * on the harsh bench log (every request a fresh token, node and address: every capped list full; bench/RESULTS.md,
 * issue 15, seventh round). One reader holds its heap loosely (heap-growth.ts: 16 MiB semi-spaces, the old
 * generation allowed to double): 265-307 MB. Several hold every heap closer, the main thread's ends up with every
 * ServiceAccount's aggregates, and each other thread keeps its own heap within threadHeapLimit by sending them on
 * as it reads: two readers 244-275 MB over the round's runs, three 283, four 336 (one run each). With these
 * figures the default is two readers wherever there are two cores (no more memory than one, and about a quarter
 * less wall time on an idle machine); more are asked for with KUBECTL_SA_AUDIT_THREADS.
 */
export const readerMemory = { budgetMB: 300, oneReaderMB: 290, twoReadersMB: 275, eachFurtherReaderMB: 50 } as const;

/** The peak memory `readers` readers are expected to need for a 1 GiB log (readerMemory). */
export function readersPeakMB(readers: number): number {
  return readers <= 1 ? readerMemory.oneReaderMB : readerMemory.twoReadersMB + (readers - 2) * readerMemory.eachFurtherReaderMB;
}

/** The machine the log is read on: its cores, and whether this build can start threads of its own. */
export interface ReadingMachine {
  readonly cores: number;
  readonly canStartThreads: boolean;
}

function thisMachine(): ReadingMachine {
  return { cores: availableParallelism(), canStartThreads: canStartProgramThreads() };
}

/**
 * How many threads to read with. Asked (`KUBECTL_SA_AUDIT_THREADS`, see requestedThreads): that many, at most
 * one per core (more readers than cores only take turns, each with a heap of its own). By default: as many as
 * fit the memory budget above (two), at most one per core and one per 32 MiB of log. One when the log is read
 * as a stream or the program cannot start threads (run from its sources).
 */
export function auditLogThreadCount(
  files: readonly ListedFile[],
  requested: number | undefined,
  machine: ReadingMachine = thisMachine(),
): number {
  if (!machine.canStartThreads || totalBytesOf(files) === undefined) return 1;
  const cores = Math.max(1, machine.cores);
  if (requested !== undefined) return Math.min(requested, cores);
  const weight = files.reduce((sum, file) => sum + weightOf(file), 0);
  let readers = Math.max(1, Math.min(cores, Math.floor(weight / minimumBytesPerThread)));
  while (readers > 1 && readersPeakMB(readers) > readerMemory.budgetMB) readers--;
  return readers;
}

/**
 * `KUBECTL_SA_AUDIT_THREADS` read: undefined when unset or empty; a whole number from 1 as given; anything else
 * is a configuration error (exit 2), not a value quietly ignored: whoever set it meant something.
 */
export function requestedThreads(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const count = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1)
    throw new ConfigError(`KUBECTL_SA_AUDIT_THREADS=${JSON.stringify(value)} is not a number of threads`, {
      hint: 'set it to a whole number from 1 (1: one reader; more than the cores are read with one per core), or unset it for the default',
    });
  return count;
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
