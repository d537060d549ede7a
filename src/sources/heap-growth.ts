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

const semiSpaceBytes = 16 * 1024 * 1024;

let oldGenerationHeld = false;
let youngGenerationHeld = false;

/** To call now and then while reading (it reads the heap's statistics). */
export function holdHeapGrowth(): void {
  if (!oldGenerationHeld) {
    v8.setFlagsFromString('--heap-growing-percent=100');
    oldGenerationHeld = true;
  }
  if (youngGenerationHeld) return;
  const newSpace = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  // The new space reports both semi-spaces.
  if (newSpace && newSpace.space_size >= 2 * semiSpaceBytes) {
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    youngGenerationHeld = true;
  }
}
