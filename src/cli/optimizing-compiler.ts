import v8 from 'node:v8';

/**
 * How much a function must run before V8 compiles it with TurboFan, its top tier, in a kubectl-sa process: as
 * V8's `--invocation-count-for-turbofan`, a multiple of the function's bytecode size (V8's default is 3,000).
 *
 * V8 is tuned for long-lived pages: a function soon goes from the interpreter through Sparkplug and Maglev to
 * TurboFan, compiled on background threads. A kubectl-sa command runs for a second or a few, through a large
 * program (the bundle holds oclif, ajv's validators, js-yaml, the RBAC engine), and TurboFan's compiles of
 * everything that gets warm cost more CPU than the code they make saves: measured with `perf` (cpu-clock) on a
 * dense 10k scan, V8's compiler threads took 0.5–0.7 s of 2.0 s of CPU time, against 0.2 s for the parse floor.
 * A hundred times the default keeps TurboFan for what is really hot (js-yaml's scanner over a 50 MiB file, an
 * audit log's per-event loop), which still reaches it in a run long enough to repay it, and leaves the rest to
 * Maglev. Measured whole-process (bench/RESULTS.md, issue 10, sixth round): dense 10k CPU −11%, dense 30k −10%,
 * realistic 30k −7%, realistic 10k and the 100k shapes unchanged within noise. Turning TurboFan off altogether
 * saved more at 10k (−19% dense) but cost 9–10% at 100k objects.
 */
export const turbofanInvocationCount = 300_000;

/** The V8 option that says it (also what a test checks V8 still accepts). */
export const turbofanBudgetFlag = `--invocation-count-for-turbofan=${turbofanInvocationCount}`;

/**
 * Sets it for this process. Called once the program is loaded: a V8 code cache (Node's compile cache, the
 * standalone binary's) records the flags it was made with and is refused when they differ at load, so the flag
 * changes only after the program has been read from the cache. The npm route's own cache is made at the end of a
 * run, with this flag set, so that route sets it before it loads the program (npm-main.ts). V8 reads it each time
 * it considers a function for TurboFan, so it holds from here on, for every thread.
 */
export function raiseTurbofanBudget(): void {
  v8.setFlagsFromString(turbofanBudgetFlag);
}
