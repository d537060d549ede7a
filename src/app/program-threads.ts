/**
 * Threads the program starts for work that splits (a large audit log: a byte range each). A thread runs
 * a small program of its own, built by scripts/build.ts from src/app/audit-log-thread-main.ts and carried
 * inside the bundle as text (KUBECTL_SA_THREAD_PROGRAM), started as an `eval` worker: the npm bundle and the
 * standalone binary (which has no script file to point a worker at) start it alike, and a thread compiles
 * 0.1 MB of its own instead of the 5 MB program. Run from the sources (tests), there is none: the work runs
 * on the main thread.
 */
// A static import: the build makes it a require() run when this module is first used, which the standalone
// binary's program (a vm.Script, without dynamic import) can do too.
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { severalReaders } from '../sources/heap-growth.js';
import type { AuditLogThreadJob } from './audit-log-thread.js';

/** The thread program's text, defined by the build; undefined when running from the sources. */
declare const KUBECTL_SA_THREAD_PROGRAM: string | undefined;

export function canStartProgramThreads(): boolean {
  return typeof KUBECTL_SA_THREAD_PROGRAM === 'string';
}

/** Threads started whose heap is not made yet: V8's smallest young generation is theirs to take until then. */
let starting = 0;

/** Starts a thread on `job` (its workerData holds it as `job`). */
export function startProgramThread(job: AuditLogThreadJob): Worker {
  if (typeof KUBECTL_SA_THREAD_PROGRAM !== 'string') throw new Error('this build carries no thread program');
  // Its young generation at its full size from its start: it would begin at V8's 1 MiB semi-spaces, and the
  // main thread's hold (heap-growth.ts) stops every heap's young generation from growing, process-wide, once
  // the main thread's has grown. At 1 MiB a thread collected its young generation four times as often
  // (1,796 against 419 scavenges on 1 GiB). V8 reads the flag when it makes the thread's heap: it is set
  // until the thread is online.
  if (starting++ === 0) v8.setFlagsFromString(`--min-semi-space-size=${severalReaders.semiSpaceMiB}`);
  let heapMade = false;
  const made = () => {
    if (heapMade) return;
    heapMade = true;
    if (--starting === 0) v8.setFlagsFromString(`--min-semi-space-size=${v8DefaultMinSemiSpace}`);
  };
  try {
    const worker = new Worker(KUBECTL_SA_THREAD_PROGRAM, {
      eval: true,
      workerData: { job },
      // V8 makes the young generation three semi-spaces: two and the large objects'.
      resourceLimits: { maxYoungGenerationSizeMb: 3 * severalReaders.semiSpaceMiB },
    });
    for (const event of ['online', 'error', 'exit'] as const) worker.once(event, made);
    return worker;
  } catch (error) {
    made();
    throw error;
  }
}

/** V8's own default of `--min-semi-space-size`: none, the young generation starts at its smallest. */
const v8DefaultMinSemiSpace = 0;
