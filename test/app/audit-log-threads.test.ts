import { describe, expect, it } from 'vitest';
import { readRange, type AccountRelease } from '../../src/app/audit-log-thread.js';
import { aggregateAuditLogs } from '../../src/app/audit-usage.js';
import { auditLogThreadCount, planRanges, readerMemory, readersPeakMB, requestedThreads } from '../../src/app/audit-log-threads.js';
import { ConfigError } from '../../src/errors/kubectl-sa-error.js';
import {
  listAuditLogFiles,
  readAuditLogPiece,
  type AuditLogPiece,
  type ListedFile,
  type ProgressCounter,
} from '../../src/sources/audit-log/read-audit-logs.js';
import type { AuditEvent } from '../../src/usage/audit-event.js';
import type { AccountState } from '../../src/usage/usage-accumulators.js';
import { UsageAggregator, type AggregatorOptions, type UsagePartial } from '../../src/usage/usage-aggregator.js';
import { harnessEvents, harnessLogText, scratchDir, writeScratch } from '../helpers/audit-fixture.js';

const quiet: ProgressCounter = { bytes: () => undefined, events: () => undefined, tick: () => undefined };

/** The harness log (a real API server's, stages interleaved as it wrote them) as a plain file. */
function harnessFile(): string {
  return writeScratch(scratchDir(), 'audit.log', harnessLogText());
}

/** What one reader makes of the log (the product's own path, one thread). */
async function oneReader(file: string): Promise<string> {
  return JSON.stringify((await aggregateAuditLogs({ paths: [file], threads: 1 })).log);
}

/** As the thread sends them: a few ServiceAccounts at a time, as JSON. */
function sendAccounts(from: UsageAggregator, to: UsageAggregator): void {
  for (const states of from.accountStates(3)) to.absorbAccounts(JSON.parse(JSON.stringify(states)) as AccountState[]);
}

/** A release of a thread's ServiceAccounts every `everyEvents` events (a heap that grows at every look). */
function releaseEvery(everyEvents: number, to: UsageAggregator): AccountRelease & { readonly sent: () => number } {
  let used = 0;
  let sent = 0;
  return {
    heapLimit: 1,
    heapUsed: () => (used += 1000),
    everyEvents,
    send: (from) => {
      sent++;
      sendAccounts(from, to);
    },
    sent: () => sent,
  };
}

/**
 * The log cut at the byte offsets `cuts`, each range read apart and absorbed in order, as threads do; with
 * `releaseEveryEvents`, the later ranges let go of their ServiceAccounts that often while they read.
 */
async function byRanges(
  file: string,
  cuts: readonly number[],
  releaseEveryEvents?: number,
): Promise<{ log: string | undefined; held: number; released: number }> {
  const [listed] = await listAuditLogFiles([file]);
  const bounds = [0, ...cuts];
  const aggregator = new UsageAggregator();
  let held = 0;
  let released = 0;
  for (const [index, start] of bounds.entries()) {
    const end = bounds[index + 1];
    const release = index > 0 && releaseEveryEvents !== undefined ? releaseEvery(releaseEveryEvents, aggregator) : undefined;
    const { aggregator: range } = await readRange(
      { kind: 'audit-log-range', pieces: [{ file: listed!, start, end }], first: index === 0, expectations: undefined, badLineSamples: 5 },
      () => undefined,
      release,
    );
    released += release?.sent() ?? 0;
    // As the thread sends it: its ServiceAccounts a few at a time, then the rest, as JSON; the first range is the
    // main thread's own, absorbed whole.
    if (index > 0) sendAccounts(range, aggregator);
    const sent = JSON.parse(JSON.stringify(range.partial())) as UsagePartial;
    held += sent.heldIds;
    if (!aggregator.absorb(sent)) return { log: undefined, held, released };
  }
  return { log: JSON.stringify(aggregator.finish()), held, released };
}

/** Byte offsets of the starts of the lines in `text`, and of a few places inside lines. */
function cutPoints(text: string): number[] {
  const bytes = Buffer.from(text);
  const points: number[] = [];
  for (let index = 0; index < bytes.length; index++) if (bytes[index - 1] === 10 || index % 9973 === 0) points.push(index);
  return points.filter((point) => point > 0);
}

describe('a log read in byte ranges by several readers gives what one reader gives', () => {
  it('reads every line once, whatever the cuts: inside lines, at line starts, inside multibyte characters', async () => {
    // Some lines longer than the reader's buffer (256 KiB), so that cuts fall inside them too.
    const written = harnessEvents().map((event, index) =>
      JSON.stringify({ ...event, auditID: `${event.auditID}${'é✓𝄞'.repeat(index % 300 === 7 ? 30_000 : (index * 7919) % 300)}` }),
    );
    const text = `${written.join('\n')}\n`;
    const file = writeScratch(scratchDir(), 'multibyte.log', text);
    const [listed] = await listAuditLogFiles([file]);
    const size = Buffer.byteLength(text);
    for (const cut of [
      1,
      2,
      3,
      size - 1,
      size,
      ...Array.from({ length: 40 }, (_, index) => Math.floor((size * (index + 1)) / 41) + (index % 5)),
      // Just before, at and just after the start of every 60th line.
      ...cutPoints(text)
        .filter((_, index) => index % 60 === 0)
        .flatMap((start) => [start - 1, start, start + 1]),
    ]) {
      const ids: string[] = [];
      let lines = 0;
      for (const [start, end] of [
        [0, cut],
        [cut, undefined],
      ] as const) {
        const read = await readAuditLogPiece(
          { file: listed!, start, end },
          (event: AuditEvent) => ids.push(event.auditID ?? ''),
          quiet,
          {},
        );
        lines += read.lines;
      }
      expect(ids, `cut at byte ${cut}`).toEqual(written.map((line) => (JSON.parse(line) as AuditEvent).auditID));
      expect(lines).toBe(written.length);
    }
  });

  it('counts each request once when its stages straddle a cut: the same answer as one reader, cut anywhere', async () => {
    const file = harnessFile();
    const want = await oneReader(file);
    const cuts = cutPoints(harnessLogText()).filter((_, index) => index % 5 === 0);
    let straddled = 0;
    for (const cut of cuts) {
      const { log, held } = await byRanges(file, [cut]);
      expect(log, `cut at byte ${cut}`).toBe(want);
      if (held > 0) straddled++;
    }
    // The harness log interleaves stages (RequestReceived, a watch's ResponseStarted, …): many cuts fall inside a request.
    expect(straddled).toBeGreaterThan(cuts.length / 10);
    for (const parts of [3, 5, 8]) {
      const size = Buffer.byteLength(harnessLogText());
      const { log } = await byRanges(
        file,
        Array.from({ length: parts - 1 }, (_, index) => Math.floor((size * (index + 1)) / parts)),
      );
      expect(log, `${parts} ranges`).toBe(want);
    }
  }, 120_000);

  it('gives what one reader gives when the later ranges let go of their ServiceAccounts while they read', async () => {
    const file = harnessFile();
    const want = await oneReader(file);
    const size = Buffer.byteLength(harnessLogText());
    const events = harnessEvents().length;
    for (const every of [1, 2, 7, 50]) {
      for (const cuts of [[Math.floor(size / 3)], [Math.floor(size / 5), Math.floor(size / 2), Math.floor((4 * size) / 5)]]) {
        const { log, released } = await byRanges(file, cuts, every);
        expect(log, `cuts at ${cuts.join(', ')}, released every ${every} events`).toBe(want);
        // Released as often as asked: the later ranges hold at least half the log's events.
        expect(released).toBeGreaterThanOrEqual(Math.floor(events / 2 / every));
      }
    }
  }, 120_000);

  it("lets go of a thread's ServiceAccounts when its heap passes the limit, then waits for a collection or as much again", async () => {
    const file = harnessFile();
    const [listed] = await listAuditLogFiles([file]);
    const mib = 1024 * 1024;
    // The heap at each look, in MiB: below, above (release), higher but within half the limit (wait), half the
    // limit more (release), down (a collection: the limit is back), above again (release).
    const heap = [10, 20, 33, 40, 48, 49, 60, 65, 70, 20, 31, 33, 34];
    const at: number[] = [];
    let looks = 0;
    await readRange(
      {
        kind: 'audit-log-range',
        pieces: [{ file: listed!, start: 0, end: undefined }],
        first: true,
        expectations: undefined,
        badLineSamples: 5,
      },
      () => undefined,
      {
        heapLimit: 32 * mib,
        heapUsed: () => (heap[looks++] ?? 0) * mib,
        everyEvents: 3,
        send: (aggregator) => {
          at.push(heap[looks - 1]!);
          // What it holds goes with it: nothing is sent twice.
          void [...aggregator.accountStates(1000)];
          expect([...aggregator.accountStates(1000)]).toEqual([]);
        },
      },
    );
    expect(looks).toBe(Math.floor(harnessEvents().length / 3));
    expect(at).toEqual([33, 60, 33]);
  });

  it('plans ranges of about equal size in log order, a gzip file whole', async () => {
    const dir = scratchDir();
    const plain = writeScratch(dir, 'b.log', harnessLogText());
    const [listed] = await listAuditLogFiles([plain]);
    const size = listed!.size!;
    const spans = (ranges: AuditLogPiece[][]) => ranges.map((range) => range.map((piece) => [piece.start, piece.end]));
    expect(spans(planRanges([listed!], 3))).toEqual([
      [[0, Math.ceil(size / 3)]],
      [[Math.ceil(size / 3), 2 * Math.ceil(size / 3)]],
      [[2 * Math.ceil(size / 3), undefined]],
    ]);
    // A gzip file is read whole by one range, weighed as ten times its size.
    const zipped = { name: 'a.log.gz', gzip: true, size: Math.ceil(size / 10), stream: false };
    expect(planRanges([zipped, listed!], 2)).toEqual([
      [{ file: zipped, start: 0, end: undefined }],
      [{ file: listed, start: 0, end: undefined }],
    ]);
  });
});

describe("absorbing a thread's ServiceAccounts as they come", () => {
  it("gives what one reader gives when they come before, during or after the main thread's own read", async () => {
    const file = harnessFile();
    const want = await oneReader(file);
    const [listed] = await listAuditLogFiles([file]);
    const size = listed!.size!;
    const events = harnessEvents().length;
    for (const cut of [Math.floor(size / 3), Math.floor(size / 2), Math.floor((2 * size) / 3)]) {
      for (const at of [0, 1, Math.floor(events / 5), Math.floor(events / 3), Number.POSITIVE_INFINITY]) {
        const { aggregator: later } = await readRange(
          {
            kind: 'audit-log-range',
            pieces: [{ file: listed!, start: cut, end: undefined }],
            first: false,
            expectations: undefined,
            badLineSamples: 5,
          },
          () => undefined,
        );
        const sent = [...later.accountStates(3)].map((states) => JSON.parse(JSON.stringify(states)) as AccountState[]);
        const rest = JSON.parse(JSON.stringify(later.partial())) as UsagePartial;
        const main = new UsageAggregator();
        let added = 0;
        const absorbSent = () => {
          for (const states of sent.splice(0)) main.absorbAccounts(states);
        };
        await readAuditLogPiece(
          { file: listed!, start: 0, end: cut },
          (event) => {
            if (added++ === at) absorbSent();
            main.add(event);
          },
          quiet,
          {},
        );
        absorbSent();
        expect(main.absorb(rest), `cut at byte ${cut}`).toBe(true);
        expect(JSON.stringify(main.finish()), `cut at byte ${cut}, absorbed at event ${at}`).toBe(want);
      }
    }
  }, 120_000);
});

describe('how many threads read', () => {
  const plainFile = (mebibytes: number): ListedFile => ({ name: 'audit.log', gzip: false, size: mebibytes * 1024 * 1024, stream: false });
  const machine = (cores: number) => ({ cores, canStartThreads: true });

  it('KUBECTL_SA_AUDIT_THREADS: a whole number from 1, unset or empty for the default, anything else a configuration error', () => {
    expect(requestedThreads(undefined)).toBeUndefined();
    expect(requestedThreads('')).toBeUndefined();
    expect(requestedThreads('1')).toBe(1);
    expect(requestedThreads(' 4 ')).toBe(4);
    for (const bad of ['0', '-2', '1.5', 'two', '2x', '1e3', 'Infinity', '99999999999999999999']) {
      expect(() => requestedThreads(bad), bad).toThrow(ConfigError);
      expect(() => requestedThreads(bad), bad).toThrow(`KUBECTL_SA_AUDIT_THREADS=${JSON.stringify(bad)}`);
    }
  });

  it('reads with as many threads as asked, at most one per core; one for a stream or a build without threads', () => {
    expect(auditLogThreadCount([plainFile(1)], 2, machine(8))).toBe(2);
    expect(auditLogThreadCount([plainFile(1)], 64, machine(8))).toBe(8);
    expect(auditLogThreadCount([plainFile(1024)], 3, machine(2))).toBe(2);
    expect(auditLogThreadCount([plainFile(1024)], 1, machine(2))).toBe(1);
    expect(auditLogThreadCount([plainFile(1024)], 4, { cores: 8, canStartThreads: false })).toBe(1);
    expect(auditLogThreadCount([{ name: '<stdin>', gzip: false, size: undefined, stream: true }], 4, machine(8))).toBe(1);
  });

  it('by default, no more readers than fit the memory budget, however many cores; none beyond one per 32 MiB', () => {
    for (const cores of [1, 2, 4, 8, 64]) {
      const readers = auditLogThreadCount([plainFile(1024)], undefined, machine(cores));
      expect(readers).toBeGreaterThanOrEqual(1);
      expect(readers).toBeLessThanOrEqual(cores);
      expect(readersPeakMB(readers), `${cores} cores`).toBeLessThanOrEqual(readerMemory.budgetMB);
      // One more would not fit, or there is no core for it.
      expect(readersPeakMB(readers + 1) > readerMemory.budgetMB || readers === cores, `${cores} cores`).toBe(true);
    }
    // Measured (bench/RESULTS.md, issue 15, seventh round): two readers need less memory than one, three more
    // than the budget allows: two wherever there are two cores, one on one core.
    expect(readersPeakMB(2)).toBeLessThan(readersPeakMB(1));
    expect(auditLogThreadCount([plainFile(1024)], undefined, machine(1))).toBe(1);
    expect(auditLogThreadCount([plainFile(1024)], undefined, machine(2))).toBe(2);
    expect(auditLogThreadCount([plainFile(1024)], undefined, machine(8))).toBe(2);
    expect(auditLogThreadCount([plainFile(40)], undefined, machine(64))).toBe(1);
    expect(auditLogThreadCount([plainFile(64)], undefined, machine(64))).toBe(2);
  });
});

describe('UsageAggregator.absorb', () => {
  const events = (): AuditEvent[] => harnessEvents() as unknown as AuditEvent[];
  const whole = (options: AggregatorOptions, list: readonly AuditEvent[]) => {
    const aggregator = new UsageAggregator(options);
    for (const event of list) aggregator.add(event);
    return JSON.stringify(aggregator.finish());
  };
  const split = (options: AggregatorOptions, list: readonly AuditEvent[], cut: number) => {
    const first = new UsageAggregator(options);
    for (const event of list.slice(0, cut)) first.add(event);
    const upTo = list
      .slice(0, cut)
      .map((event) => event.requestReceivedTimestamp ?? '')
      .sort()
      .at(-1);
    const second = new UsageAggregator({ ...options, earlierRequestsUpTo: upTo });
    for (const event of list.slice(cut)) second.add(event);
    const merged = new UsageAggregator(options);
    if (!merged.absorb(first.partial()) || !merged.absorb(second.partial())) return undefined;
    return JSON.stringify(merged.finish());
  };

  it('keeps capped lists by sort order, so that order and cuts do not change them', () => {
    const options = { tallyLimit: 2, namesPerShape: 1 };
    const list = events();
    const want = whole(options, list);
    expect(
      whole(
        options,
        [...list].reverse().filter((event) => event.stage === 'ResponseComplete'),
      ),
    ).toBe(
      whole(
        options,
        list.filter((event) => event.stage === 'ResponseComplete'),
      ),
    );
    for (let cut = 1; cut < list.length; cut += 7) expect(split(options, list, cut), `cut after event ${cut}`).toBe(want);
  });

  it('replays duplicated and late stages across a cut as one reader would, within its memory of counted auditIDs', () => {
    // Every event twice, the copy a few events later: late stages of requests counted on either side of the cut.
    const list = events().flatMap((event, index, all) => (index % 3 === 0 ? [event, all[Math.max(0, index - 4)]!] : [event]));
    // How many cuts may fall back to one reader: none with the default memory; with a memory of 3 auditIDs,
    // any (a late stage may then be forgotten or not depending on held requests counted in between).
    for (const [options, exactAtLeast] of [
      [{}, 1],
      [{ rememberedLimit: 40 }, 0.9],
      [{ rememberedLimit: 3 }, 0],
    ] as const) {
      const want = whole(options, list);
      let exact = 0;
      let cuts = 0;
      for (let cut = 1; cut < list.length; cut += 3) {
        cuts++;
        const got = split(options, list, cut);
        if (got === undefined) continue;
        exact++;
        expect(got, `${JSON.stringify(options)}, cut after event ${cut}`).toBe(want);
      }
      expect(exact).toBeGreaterThanOrEqual(Math.floor(cuts * exactAtLeast));
    }
  });

  it('refuses a range whose start it cannot place: requests received before what the range was told', () => {
    const list = events();
    const first = new UsageAggregator();
    for (const event of list.slice(0, 100)) first.add(event);
    const second = new UsageAggregator({ earlierRequestsUpTo: '2000-01-01T00:00:00.000000Z' });
    for (const event of list.slice(100)) second.add(event);
    const merged = new UsageAggregator();
    expect(merged.absorb(first.partial())).toBe(true);
    expect(merged.absorb(second.partial())).toBe(false);
  });
});
