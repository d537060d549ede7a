import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError, InputErrors } from '../../../src/errors/kubectl-sa-error.js';
import type { AuditEvent } from '../../../src/usage/audit-event.js';
import { decodeAuditLine, skimAuditLine } from '../../../src/sources/audit-log/audit-event.js';
import { readAuditLogs } from '../../../src/sources/audit-log/read-audit-logs.js';
import { harnessEvents, harnessLogPath, harnessLogText, scratchDir, writeScratch } from '../../helpers/audit-fixture.js';

async function readAll(paths: string[], options: Parameters<typeof readAuditLogs>[2] = {}) {
  const events: AuditEvent[] = [];
  const summary = await readAuditLogs(paths, (event) => events.push(event), options);
  return { events, summary };
}

describe('readAuditLogs on the harness log', () => {
  const lines = harnessLogText()
    .split('\n')
    .filter((line) => line !== '');

  it('reads the gzip file the way the plain one reads, event for event, in order', async () => {
    const dir = scratchDir();
    const plain = writeScratch(dir, 'audit.log', harnessLogText());
    const fromGzip = await readAll([harnessLogPath]);
    const fromPlain = await readAll([plain]);
    expect(fromGzip.events.map((event) => `${event.auditID ?? ''}${event.stage ?? ''}`)).toEqual(
      harnessEvents().map((event) => event.auditID + event.stage),
    );
    const whole = (events: AuditEvent[]) => events.map((event) => event.complete?.() ?? event);
    expect(whole(fromPlain.events)).toEqual(whole(fromGzip.events));
    expect(fromGzip.summary).toMatchObject({ events: lines.length, lines: lines.length, badLines: 0 });
    expect(fromGzip.summary.files).toEqual([expect.objectContaining({ name: harnessLogPath, gzip: true, events: lines.length })]);
  });

  it('reads lines across read and decoding boundaries as a whole-text split does: long lines, multibyte characters', async () => {
    // Lines of many lengths up to 200 KB, with 2-, 3- and 4-byte UTF-8 characters at every offset, so that
    // lines and characters straddle the 64 KiB decoding slices and the 1 MiB reads, plain and gzip.
    const written = harnessEvents().map((event, index) => {
      // In the auditID: every line's event carries it, whether its line is read in part or in full.
      const padding = 'é✓𝄞x'.repeat(index % 100 === 0 ? 20_000 : (index * 7919) % 500);
      return JSON.stringify({ ...event, auditID: `${event.auditID}${padding}` });
    });
    const text = `${written.join('\n')}\n`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 1024 * 1024);
    const dir = scratchDir();
    for (const file of [writeScratch(dir, 'long.log', text), writeScratch(dir, 'long.log.gz', gzipSync(text))]) {
      const { events, summary } = await readAll([file]);
      expect(summary).toMatchObject({ events: written.length, lines: written.length, badLines: 0 });
      expect(events.map((event) => event.auditID)).toEqual(written.map((line) => (JSON.parse(line) as AuditEvent).auditID));
    }
  });

  it('reads lines longer than a read (up to 64 MiB) whole, and skips a longer one as a bad line at its number', async () => {
    // 300 KB to 3 MB lines outgrow the reader's buffer; the 65 MiB one is beyond what it keeps.
    const written = harnessEvents()
      .slice(0, 12)
      .map((event, index) =>
        JSON.stringify({ ...event, auditID: `${event.auditID}${'ü'.repeat(index % 3 === 0 ? 150_000 * (index + 1) : index)}` }),
      );
    const huge = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"${'x'.repeat(65 * 1024 * 1024)}"}`;
    const all = [...written.slice(0, 5), huge, ...written.slice(5)];
    const dir = scratchDir();
    for (const file of [writeScratch(dir, 'long.log', `${all.join('\n')}\n`), writeScratch(dir, 'unended.log', all.join('\n'))]) {
      const { events, summary } = await readAll([file]);
      expect(events.map((event) => event.auditID)).toEqual(written.map((line) => (JSON.parse(line) as AuditEvent).auditID));
      expect(summary).toMatchObject({ lines: all.length, events: written.length, badLines: 1 });
      expect(summary.badLineSamples).toEqual([{ file, line: 6, reason: 'line longer than 64 MiB' }]);
    }
  }, 60_000);

  it('reads a folder of rotated logs (plain and gzip) oldest first, whatever their names', async () => {
    const dir = scratchDir();
    const half = Math.floor(lines.length / 2);
    // The newer half gets the name that sorts first: order must come from the events' timestamps.
    writeScratch(dir, 'a-current.log', `${lines.slice(half).join('\n')}\n`);
    writeScratch(dir, 'z-rotated.log.1.gz', gzipSync(`${lines.slice(0, half).join('\n')}\n`));
    writeScratch(dir, '.hidden', 'not read');
    const { events, summary } = await readAll([dir]);
    expect(summary.files.map((file) => file.name.split('/').pop())).toEqual(['z-rotated.log.1.gz', 'a-current.log']);
    expect(events.map((event) => `${event.auditID ?? ''}${event.stage ?? ''}`)).toEqual(
      harnessEvents().map((event) => event.auditID + event.stage),
    );
  });

  it('reads stdin, gzip or not, and reports progress in bytes and events', async () => {
    for (const bytes of [Buffer.from(harnessLogText()), gzipSync(harnessLogText())]) {
      const progress: number[] = [];
      const { summary } = await readAll(['-'], {
        stdin: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
        onProgress: (p) => progress.push(p.bytesRead),
        progressEveryMs: 0,
      });
      expect(summary.events).toBe(lines.length);
      expect(progress.at(-1)).toBe(bytes.length);
    }
  });

  it('reads a pipe named as a path (`--audit-log <(zcat …)`, /dev/stdin) once, gzip or not', async () => {
    for (const bytes of [Buffer.from(harnessLogText()), gzipSync(harnessLogText())]) {
      const fifo = path.join(scratchDir(), 'audit.pipe');
      execFileSync('mkfifo', [fifo]);
      const writer = new Promise<void>((resolve, reject) => {
        const out = createWriteStream(fifo);
        out.on('error', reject);
        out.end(bytes, () => resolve());
      });
      const [{ events, summary }] = await Promise.all([readAll([fifo]), writer]);
      expect(events.map((event) => `${event.auditID ?? ''}${event.stage ?? ''}`)).toEqual(
        harnessEvents().map((event) => event.auditID + event.stage),
      );
      expect(summary.files).toEqual([{ name: fifo, gzip: bytes[0] === 0x1f, size: undefined, lines: lines.length, events: lines.length }]);
    }
  });

  it('counts bad lines with their line numbers and reasons, and goes on', async () => {
    const dir = scratchDir();
    const broken = [
      lines[0],
      lines[1]?.slice(0, 120),
      JSON.stringify({ ...JSON.parse(lines[2] ?? '{}'), apiVersion: 'audit.k8s.io/v1beta1' }),
      'I1201 14:35:19.501403 kube-apiserver started',
      JSON.stringify({ kind: 'Status', apiVersion: 'v1' }),
      '',
      lines[3],
    ].join('\n');
    const file = writeScratch(dir, 'audit.log', `${broken}\n`);
    const { events, summary } = await readAll([file]);
    expect(events).toHaveLength(2);
    expect(summary.badLines).toBe(4);
    expect(summary.badLineSamples).toEqual([
      { file, line: 2, reason: 'truncated or invalid JSON' },
      { file, line: 3, reason: 'audit.k8s.io/v1beta1: only audit.k8s.io/v1 Events are read' },
      { file, line: 4, reason: 'not JSON' },
      { file, line: 5, reason: 'kind Status: not an audit Event' },
    ]);
  });

  it('keeps only the first few bad lines but counts them all', async () => {
    const dir = scratchDir();
    const file = writeScratch(dir, 'audit.log', `${lines[0]}\n${'{"broken\n'.repeat(50)}`);
    const { summary } = await readAll([file]);
    expect(summary.badLines).toBe(50);
    expect(summary.badLineSamples.map((bad) => bad.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('reads what precedes the end of a gzip file cut short, and says so', async () => {
    const dir = scratchDir();
    const whole = gzipSync(harnessLogText());
    const file = writeScratch(dir, 'audit.log.gz', whole.subarray(0, Math.floor(whole.length * 0.6)));
    const { events, summary } = await readAll([file]);
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(lines.length);
    expect(summary.warnings).toEqual([expect.stringMatching(/audit\.log\.gz: the gzip stream ends early/)]);
  });
});

describe('readAuditLogs refuses what it cannot read', () => {
  it('an empty file, a missing file, a folder without files: all reported together, as input errors (exit 2)', async () => {
    const dir = scratchDir();
    const empty = writeScratch(dir, 'empty.log', '');
    const emptyFolder = scratchDir();
    const error = await readAll([empty, `${dir}/missing.log`, emptyFolder]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputErrors);
    expect((error as InputErrors).exitCode).toBe(2);
    expect((error as InputErrors).errors.map((inner) => inner.message)).toEqual([
      `${empty}: the audit log is empty`,
      `${dir}/missing.log: no such file or directory`,
      `${emptyFolder}: the folder holds no files`,
    ]);
  });

  it('a log without a single event', async () => {
    const dir = scratchDir();
    const file = writeScratch(dir, 'app.log', 'just text\nmore text\n');
    const error = await readAll([file]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`no audit events in ${file}; 2 bad line(s), the first at ${file}:1: not JSON`);
  });

  it('empty stdin', async () => {
    const error = await readAll(['-'], { stdin: Readable.from([]) }).catch((caught: unknown) => caught);
    expect((error as InputError).message).toMatch(/^no audit events in <stdin>/);
  });

  it('skips an empty file inside a folder with a warning', async () => {
    const dir = scratchDir();
    writeScratch(dir, 'audit.log', '');
    writeScratch(dir, 'audit.log.1', `${harnessLogText().split('\n')[0]}\n`);
    const { summary } = await readAll([dir]);
    expect(summary.events).toBe(1);
    expect(summary.warnings).toEqual([`${dir}/audit.log: empty, skipped`]);
  });
});

describe('decodeAuditLine', () => {
  it('reads an EventList as its items', () => {
    const event = harnessEvents()[0];
    const decoded = decodeAuditLine(JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [event, event] }));
    expect(decoded).toEqual({ kind: 'events', events: [event, event] });
  });

  it('tells blank lines and events without a stage apart', () => {
    expect(decodeAuditLine('  \r')).toEqual({ kind: 'blank' });
    expect(decodeAuditLine('{"kind":"Event","apiVersion":"audit.k8s.io/v1"}')).toEqual({
      kind: 'bad',
      reason: 'an Event without stage or verb',
    });
    expect(decodeAuditLine('[1,2]')).toEqual({ kind: 'bad', reason: 'not a JSON object' });
  });
});

describe('decodeAuditLine on RequestResponse lines', () => {
  const withBodies = harnessLogText()
    .split('\n')
    .filter((line) => line.includes('"requestObject":') || line.includes('"responseObject":'));

  it('gives the event without its bodies, every other field as a full parse has it', () => {
    expect(withBodies.length).toBeGreaterThan(10);
    for (const line of withBodies) {
      const { requestObject, responseObject, ...rest } = JSON.parse(line) as AuditEvent;
      expect(requestObject ?? responseObject).toBeDefined();
      expect(decodeAuditLine(line)).toEqual({ kind: 'events', events: [rest] });
    }
  });

  it('parses the whole line when a body key is not where the API server puts it, and still calls a cut line bad', () => {
    const line = withBodies[0] ?? '';
    const event = JSON.parse(line) as Record<string, unknown>;
    // A user extra key named like a body: cutting there would leave the user object open.
    const tricky = line.replace('"user":{', '"user":{"extra":{"x":["y"],"requestObject":["z"]},');
    expect(JSON.parse(tricky)).toBeDefined();
    expect(decodeAuditLine(tricky)).toEqual({ kind: 'events', events: [JSON.parse(tricky)] });
    expect(event.requestObject ?? event.responseObject).toBeDefined();
    expect(decodeAuditLine(line.slice(0, -30))).toEqual({ kind: 'bad', reason: 'truncated or invalid JSON' });
  });
});

describe('skimAuditLine', () => {
  const lines = harnessLogText()
    .split('\n')
    .filter((line) => line !== '');
  /** What a skim reads of a line, taken from a full parse of it. */
  const skimmedPart = (line: string) => {
    const full = JSON.parse(line) as AuditEvent;
    return {
      auditID: full.auditID,
      stage: full.stage,
      verb: full.verb,
      requestReceivedTimestamp: full.requestReceivedTimestamp,
      stageTimestamp: full.stageTimestamp,
    };
  };

  it('reads what a line no ServiceAccount figures in is counted by, exactly as a full parse does', () => {
    const others = lines.filter((line) => !line.includes('system:serviceaccount:'));
    expect(others.length).toBeGreaterThan(100);
    for (const line of others) {
      expect(skimAuditLine(line)).toEqual(skimmedPart(line));
    }
  });

  it('reads a ServiceAccount’s stages before the last in part, with the whole event when it is asked for', () => {
    const early = lines.filter((line) => line.includes('system:serviceaccount:') && !/"stage":"(ResponseComplete|Panic)"/.test(line));
    expect(early.length).toBeGreaterThan(10);
    for (const line of early) {
      const full = JSON.parse(line) as AuditEvent;
      const event = skimAuditLine(line);
      expect(event).toEqual(skimmedPart(line));
      expect(typeof event?.complete).toBe('function');
      expect({ kind: 'events', events: [event?.complete?.()] }).toEqual(decodeAuditLine(line));
      expect(event?.complete?.()).toMatchObject({ auditID: full.auditID, user: full.user });
    }
  });

  it('keeps a long stage waiting without its bodies, and completes it as a full parse would, bodies left out', () => {
    const started = lines.find(
      (line) =>
        line.includes('"level":"RequestResponse"') && line.includes('"stage":"RequestReceived"') && line.includes('system:serviceaccount:'),
    );
    const event = JSON.parse(started ?? '{}') as Record<string, unknown>;
    // A create's body, where the API server writes it: after objectRef, before the timestamps.
    const withBody: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event)) {
      if (key === 'requestReceivedTimestamp') withBody.requestObject = { kind: 'ConfigMap', data: { big: 'x'.repeat(40_000) } };
      withBody[key] = value;
    }
    const waiting = skimAuditLine(JSON.stringify(withBody));
    expect(waiting?.complete).toBeDefined();
    expect(waiting?.complete?.()).toEqual(event);
  });

  it('leaves ServiceAccounts’ final stages, truncated lines and other layouts to the full decoder', () => {
    const serviceAccountLine = lines.find(
      (line) => line.includes('"username":"system:serviceaccount:') && line.includes('"stage":"ResponseComplete"'),
    );
    const other = lines.find((line) => !line.includes('system:serviceaccount:')) ?? '';
    expect(serviceAccountLine).toBeDefined();
    expect(skimAuditLine(serviceAccountLine ?? '')).toBeUndefined();
    expect(skimAuditLine(other.slice(0, -40))).toBeUndefined();
    expect(decodeAuditLine(other.slice(0, -40))).toEqual({ kind: 'bad', reason: 'truncated or invalid JSON' });
    const reordered = JSON.stringify({ apiVersion: 'audit.k8s.io/v1', ...(JSON.parse(other) as object) });
    expect(skimAuditLine(reordered)).toBeUndefined();
  });
});
