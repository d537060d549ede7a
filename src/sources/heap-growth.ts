/**
 * Holds V8's heap down while a large log or manifest file is read: young generation at 16 MiB semi-spaces,
 * old generation collected when it doubles.
 *
 * Reading an audit log allocates fast and keeps a little of every megabyte (a row's last-seen time, a
 * watch waiting for its end). V8 answers by doubling the young generation again and again, up to 64 MiB
 * semi-spaces (128 MiB more resident memory, and no faster), and by letting the old generation grow up to
 * four times its live data between collections on a busy machine. Node takes `--max-semi-space-size` only
 * when it starts, which a kubectl plugin cannot pass; but V8 reads its growth factors each time it grows a
 * space, so they can be set once reading has begun. Measured on 1 GiB (bench/README.md): peak 393 MB
 * before, 263–284 MB with both held, for about 2% more CPU time. A 51 MiB manifest file (100,000 objects)
 * is the same story: the young generation grows to 64 MiB semi-spaces while js-yaml parses it.
 */
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';

/** How far the heap may grow while one log or file is read: young generation (each of its two halves) and old. */
export interface HeapHold {
  readonly semiSpaceMiB: number;
  /** The old generation is collected when it grows by this much since the last full collection. */
  readonly growingPercent: number;
}

/** One reader (manifests, or an audit log read by one thread): the measurements above. */
const oneReader: HeapHold = { semiSpaceMiB: 16, growingPercent: 100 };

/**
 * Several threads reading one audit log, each with a heap of its own holding aggregates of nearly every
 * ServiceAccount: 4 MiB semi-spaces, and a full collection once the old generation grows by a third, keep two
 * readers of 1 GiB at 279-287 MB at the peak, against 338-371 MB with one reader's hold (50%: 293-311 MB);
 * the price is more collections, within the noise of the shared machine (bench/RESULTS.md, issue 15, fifth
 * round).
 */
export const severalReaders: HeapHold = { semiSpaceMiB: 4, growingPercent: 35 };

let hold = oneReader;
let growingPercentSet: number | undefined;
/** A thread's young generation is fixed when it starts (program-threads.ts); only the main thread's grows. */
let youngGenerationHeld = !isMainThread;

/**
 * From now on, holds the heap of this thread (and the old generation of every thread) as `readers` says, until
 * the returned release is called: it puts back the hold before (holds nest) and V8's flags with it, so that
 * what reads next in this process (a fallback read by one thread, manifests) grows as one reader does.
 */
export function holdHeapGrowthFor(readers: HeapHold): () => void {
  const before = hold;
  hold = readers;
  holdHeapGrowth();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    hold = before;
    // The young generation was held at this hold's size: let it grow again to the one put back.
    if (youngGenerationHeld && isMainThread) {
      v8.setFlagsFromString(`--semi-space-growth-factor=${defaultSemiSpaceGrowthFactor}`);
      youngGenerationHeld = false;
    }
    holdHeapGrowth();
  };
}

/** The hold in force on this thread. */
export function heapHold(): HeapHold {
  return hold;
}

/** V8's own default of `--semi-space-growth-factor`. */
const defaultSemiSpaceGrowthFactor = 2;

/** To call now and then while reading (it reads the heap's statistics). */
export function holdHeapGrowth(): void {
  if (growingPercentSet !== hold.growingPercent) {
    // V8's flags are the process's: every thread's heap grows by the last one set.
    v8.setFlagsFromString(`--heap-growing-percent=${hold.growingPercent}`);
    growingPercentSet = hold.growingPercent;
  }
  if (youngGenerationHeld) return;
  const newSpace = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  // The new space reports both semi-spaces.
  if (newSpace && newSpace.space_size >= 2 * hold.semiSpaceMiB * 1024 * 1024) {
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    youngGenerationHeld = true;
  }
}

/**
 * Puts the V8 flags this module sets back to V8's defaults, for good (the hold no longer applies): the npm route
 * calls it at exit before it makes a code cache (src/cli/npm-main.ts), since V8 takes a cache only where the
 * flags are those it was made with, and a start has not set these yet.
 */
export function heapFlagsToDefaults(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${v8DefaultHeapGrowingPercent}`);
  v8.setFlagsFromString(`--semi-space-growth-factor=${defaultSemiSpaceGrowthFactor}`);
  growingPercentSet = v8DefaultHeapGrowingPercent;
  youngGenerationHeld = !isMainThread;
}

/** V8's own default of `--heap-growing-percent`: none, V8 picks the factor. */
const v8DefaultHeapGrowingPercent = 0;
