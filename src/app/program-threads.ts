/**
 * Threads the program starts for work that splits (a large audit log: one thread per core). A thread runs
 * a small program of its own, built by scripts/build.ts from src/app/audit-log-thread-main.ts and carried
 * inside the bundle as text (KUBECTL_SA_THREAD_PROGRAM), started as an `eval` worker: the npm bundle and the
 * standalone binary (which has no script file to point a worker at) start it alike, and a thread compiles
 * 0.1 MB of its own instead of the 5 MB program. Run from the sources (tests), there is none: the work runs
 * on the main thread.
 */
// A static import: the build makes it a require() run when this module is first used, which the standalone
// binary's program (a vm.Script, without dynamic import) can do too.
import { Worker } from 'node:worker_threads';
import { severalReaders } from '../sources/heap-growth.js';
import type { AuditLogThreadJob } from './audit-log-thread.js';

/** The thread program's text, defined by the build; undefined when running from the sources. */
declare const KUBECTL_SA_THREAD_PROGRAM: string | undefined;

export function canStartProgramThreads(): boolean {
  return typeof KUBECTL_SA_THREAD_PROGRAM === 'string';
}

/** Starts a thread on `job` (its workerData holds it as `job`). */
export function startProgramThread(job: AuditLogThreadJob): Worker {
  if (typeof KUBECTL_SA_THREAD_PROGRAM !== 'string') throw new Error('this build carries no thread program');
  return new Worker(KUBECTL_SA_THREAD_PROGRAM, {
    eval: true,
    workerData: { job },
    // Its young generation held from its start, as the main thread's is once reading begins (V8 makes the
    // young generation three semi-spaces: two and the large objects').
    resourceLimits: { maxYoungGenerationSizeMb: 3 * severalReaders.semiSpaceMiB },
  });
}
