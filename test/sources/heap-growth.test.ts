import { describe, expect, it } from 'vitest';
import { planRanges, readInThreads } from '../../src/app/audit-log-threads.js';
import { listAuditLogFiles } from '../../src/sources/audit-log/read-audit-logs.js';
import { heapHold, holdHeapGrowthFor, severalReaders } from '../../src/sources/heap-growth.js';
import { harnessLogText, scratchDir, writeScratch } from '../helpers/audit-fixture.js';

describe('the heap hold of a read in threads', () => {
  it('is taken while the threads read and put back after, as it was', async () => {
    const file = writeScratch(scratchDir(), 'audit.log', harnessLogText());
    const [listed] = await listAuditLogFiles([file]);
    const before = heapHold();
    const during: unknown[] = [];
    const read = await readInThreads([listed!], [], planRanges([listed!], 1), {
      expectations: undefined,
      matcher: undefined,
      progressEveryMs: 0,
      onProgress: () => during.push(heapHold()),
    });
    expect(read).toBeDefined();
    expect(during.length).toBeGreaterThan(0);
    expect(new Set(during)).toEqual(new Set([severalReaders]));
    expect(heapHold()).toBe(before);
  });

  it('nests: each release puts back the hold before it, once', () => {
    const before = heapHold();
    const outer = holdHeapGrowthFor(severalReaders);
    const inner = holdHeapGrowthFor({ semiSpaceMiB: 2, growingPercent: 20 });
    expect(heapHold()).toEqual({ semiSpaceMiB: 2, growingPercent: 20 });
    inner();
    inner();
    expect(heapHold()).toBe(severalReaders);
    outer();
    expect(heapHold()).toBe(before);
  });
});
