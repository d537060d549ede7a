/**
 * Streams Kubernetes audit logs: JSON lines, plain or gzip (recognised by its magic bytes, whatever the
 * file is called), from files, folders of rotated logs, or stdin (`-`). Nothing is kept but counters: each
 * event goes to the caller as soon as its line is decoded, so memory stays flat whatever the log's size.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import { InputError, InputErrors } from '../../errors/kubectl-sa-error.js';
import { decodeAuditLine, skimAuditLine, type AuditEvent } from './audit-event.js';
import { holdHeapGrowth } from '../heap-growth.js';

export const STDIN_NAME = '<stdin>';

export interface AuditLogFile {
  /** As given or found in a folder; `<stdin>` for `-`. */
  readonly name: string;
  readonly gzip: boolean;
  /** Bytes on disk (compressed for gzip); undefined for stdin, pipes and devices. */
  readonly size: number | undefined;
}

/** A file as listed for reading: stdin, a pipe or a device (`<(zcat …)`, /dev/stdin) is read once, as a stream. */
export interface ListedFile extends AuditLogFile {
  readonly stream: boolean;
}

export interface AuditReadProgress {
  readonly file: string;
  /** Bytes read from disk so far, over every file. */
  readonly bytesRead: number;
  /** Sum of the files' sizes; undefined when stdin is read. */
  readonly totalBytes: number | undefined;
  readonly events: number;
}

export interface BadLine {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** What a read (of the whole log, or of one piece of it) counted and met. */
interface LinesRead {
  readonly lines: number;
  readonly events: number;
  readonly badLines: number;
  /** The first few bad lines, in reading order, for the user to look at. */
  readonly badLineSamples: readonly BadLine[];
  /** Bad lines counted by reason. */
  readonly badLinesByReason: Readonly<Record<string, number>>;
  /** Problems that did not stop the read (a gzip file cut short, an empty file inside a folder). */
  readonly warnings: readonly string[];
}

export interface AuditReadSummary extends LinesRead {
  readonly files: readonly (AuditLogFile & { readonly lines: number; readonly events: number })[];
}

export interface ReadAuditLogOptions {
  /** The stream `-` reads; process.stdin unless a test injects one. */
  readonly stdin?: Readable;
  /** Called at most every `progressEveryMs` (and once at the end); for a progress bar. */
  readonly onProgress?: (progress: AuditReadProgress) => void;
  readonly progressEveryMs?: number;
  /** How many bad lines are kept with their position (all are counted). Default 5. */
  readonly badLineSamples?: number;
}

/** A line longer than this is not an audit event anyone wrote; it is skipped as a bad line, not buffered. */
const maxLineBytes = 64 * 1024 * 1024;
// Read 256 KiB at a time into one buffer (a plain file straight into it; a stream's chunks copied in), and
// decoded 64 KiB at a time: below V8's large-object size, a decoded string of 1 MiB would live in old space
// until a full collection, and a gigabyte of them grows the heap for nothing; 64 KiB strings die young. A
// stream's buffer per read costs a page-faulted allocation each and, as they outlive their use until a
// collection, about 35 MB of resident memory on 1 GiB: reading into the one buffer takes less than half the
// CPU time of a read stream and its string decoder (0.7 against 1.4 s per GiB for the reading and splitting
// alone).
const chunkBytes = 256 * 1024;
const decodeBytes = 64 * 1024;

/**
 * Reads every log named by `paths` and calls `onEvent` for each audit event, in file order: oldest file
 * first (by the first event's timestamp), so that the stages of one request spread over a rotation meet
 * in order. Missing, unreadable or empty inputs are errors (all reported together); bad lines are not.
 */
export async function readAuditLogs(
  paths: readonly string[],
  onEvent: (event: AuditEvent) => void,
  options: ReadAuditLogOptions = {},
): Promise<AuditReadSummary> {
  const warnings: string[] = [];
  const files = await listAuditLogs(paths, warnings);
  return readListedAuditLogs(files, warnings, onEvent, options);
}

/** readAuditLogs on files already listed (with the warnings the listing gave). */
export async function readListedAuditLogs(
  files: readonly ListedFile[],
  warnings: readonly string[],
  onEvent: (event: AuditEvent) => void,
  options: ReadAuditLogOptions = {},
): Promise<AuditReadSummary> {
  const totalBytes = totalBytesOf(files);
  const progress = progressReporter(options, totalBytes);
  const reads: PieceRead[] = [];
  for (const file of files) reads.push(await readAuditLogPiece({ file, start: 0, end: undefined }, onEvent, progress, options));
  return summaryOf(reads, warnings, files, options.badLineSamples);
}

/** The files behind `paths` (see listAuditLogFiles), or the error for none given. */
export async function listAuditLogs(paths: readonly string[], warnings: string[]): Promise<ListedFile[]> {
  if (paths.length === 0)
    throw new InputError('no audit log given: pass --audit-log PATH (a file, a folder of rotated logs, or - for stdin)');
  return listAuditLogFiles(paths, warnings);
}

/** Sum of the files' sizes; undefined when a stream is read. */
export function totalBytesOf(files: readonly ListedFile[]): number | undefined {
  return files.some((file) => file.stream) ? undefined : files.reduce((sum, file) => sum + (file.size ?? 0), 0);
}

/** A stretch of one log file to read: a byte range of a plain file, or (end undefined) all of it. */
export interface AuditLogPiece {
  readonly file: ListedFile;
  /**
   * Lines that start at or after `start` and before `end` are the piece's: a line belongs to the range its
   * first byte is in, so ranges that meet share none and miss none.
   */
  readonly start: number;
  readonly end: number | undefined;
}

/** What reading one piece found; line numbers count from the piece's first line. */
export interface PieceRead extends LinesRead {
  readonly name: string;
  readonly gzip: boolean;
}

/** Counts bytes and events as pieces are read, and reports them at most every `progressEveryMs`. */
export interface ProgressCounter {
  bytes(count: number): void;
  events(count: number): void;
  /** Called every 1,024 lines; `force` at a piece's end. */
  tick(file: string, force: boolean): void;
}

export function progressReporter(options: ReadAuditLogOptions, totalBytes: number | undefined): ProgressCounter {
  const state = { bytesRead: 0, events: 0, lastProgress: 0 };
  const everyMs = options.progressEveryMs ?? 100;
  return {
    bytes: (count) => {
      state.bytesRead += count;
    },
    events: (count) => {
      state.events += count;
    },
    tick: (file, force) => {
      if (!options.onProgress) return;
      const now = Date.now();
      if (!force && now - state.lastProgress < everyMs) return;
      state.lastProgress = now;
      options.onProgress({ file, bytesRead: state.bytesRead, totalBytes, events: state.events });
    },
  };
}

/** Reads one piece, calling `onEvent` for each event in order. Errors of the file are InputErrors. */
export async function readAuditLogPiece(
  piece: AuditLogPiece,
  onEvent: (event: AuditEvent) => void,
  progress: ProgressCounter,
  options: Pick<ReadAuditLogOptions, 'stdin' | 'badLineSamples'>,
): Promise<PieceRead> {
  const { file } = piece;
  const sampleLimit = options.badLineSamples ?? 5;
  const badLineSamples: BadLine[] = [];
  const badLinesByReason: Record<string, number> = {};
  const warnings: string[] = [];
  let lines = 0;
  let events = 0;
  let badLines = 0;
  const onLine = (text: string | undefined, lineNumber: number) => {
    lines = lineNumber;
    // Most lines are skimmed: one event, handed on without a DecodedLine around it.
    const skimmed = text === undefined ? undefined : skimAuditLine(text);
    if (skimmed !== undefined) {
      onEvent(skimmed);
      events++;
      progress.events(1);
    } else {
      const decoded =
        text === undefined
          ? ({ kind: 'bad', reason: `line longer than ${maxLineBytes / 1024 / 1024} MiB` } as const)
          : decodeAuditLine(text);
      if (decoded.kind === 'events') {
        for (const event of decoded.events) onEvent(event);
        events += decoded.events.length;
        progress.events(decoded.events.length);
      } else if (decoded.kind === 'bad') {
        badLines++;
        badLinesByReason[decoded.reason] = (badLinesByReason[decoded.reason] ?? 0) + 1;
        if (badLineSamples.length < sampleLimit) badLineSamples.push({ file: file.name, line: lineNumber, reason: decoded.reason });
      }
    }
    if ((lineNumber & 0x3ff) === 0) {
      progress.tick(file.name, false);
      holdHeapGrowth();
    }
  };
  let gzip = file.gzip;
  try {
    ({ gzip } = await readLines(piece, options.stdin ?? process.stdin, onLine, (bytes) => progress.bytes(bytes)));
  } catch (error) {
    if (isTruncatedGzip(error) && lines > 0) {
      warnings.push(
        `${file.name}: the gzip stream ends early (cut short while being written or copied?); read the ${lines} lines before it`,
      );
    } else if (typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string') {
      throw new InputError(`${file.name}: ${describe(error)}`, { cause: error });
    } else {
      // Not the file's fault (a bug in a consumer of the events): let it surface as one.
      throw error;
    }
  }
  progress.tick(file.name, true);
  return { name: file.name, gzip, lines, events, badLines, badLineSamples, badLinesByReason, warnings };
}

/**
 * The summary of a read from its pieces, in reading order (a file's pieces one after another): line numbers
 * made the file's, bad-line samples the first few overall. No events at all is an error.
 */
export function summaryOf(
  reads: readonly PieceRead[],
  listingWarnings: readonly string[],
  files: readonly ListedFile[],
  sampleLimit = 5,
): AuditReadSummary {
  const perFile = new Map<string, { name: string; gzip: boolean; size: number | undefined; lines: number; events: number }>();
  const badLineSamples: BadLine[] = [];
  const badLinesByReason: Record<string, number> = {};
  const warnings = [...listingWarnings];
  let lines = 0;
  let events = 0;
  let badLines = 0;
  for (const read of reads) {
    const file = files.find((listed) => listed.name === read.name);
    let entry = perFile.get(read.name);
    if (!entry) perFile.set(read.name, (entry = { name: read.name, gzip: read.gzip, size: file?.size, lines: 0, events: 0 }));
    for (const sample of read.badLineSamples)
      if (badLineSamples.length < sampleLimit) badLineSamples.push({ ...sample, line: sample.line + entry.lines });
    entry.lines += read.lines;
    entry.events += read.events;
    entry.gzip = read.gzip;
    lines += read.lines;
    events += read.events;
    badLines += read.badLines;
    for (const [reason, count] of Object.entries(read.badLinesByReason)) badLinesByReason[reason] = (badLinesByReason[reason] ?? 0) + count;
    warnings.push(...read.warnings);
  }
  if (events === 0) {
    const sample = badLineSamples[0];
    const why = sample ? `; ${badLines} bad line(s), the first at ${sample.file}:${sample.line}: ${sample.reason}` : '';
    throw new InputError(`no audit events in ${files.map((file) => file.name).join(', ')}${why}`, {
      hint: 'kubectl sa usage reads the JSON lines kube-apiserver writes with --audit-log-path (audit.k8s.io/v1 Events), plain or gzip',
    });
  }
  return { files: [...perFile.values()], lines, events, badLines, badLineSamples, badLinesByReason, warnings };
}

/**
 * The files behind the paths given: files as named, a folder's files (not its subfolders; hidden files
 * skipped), `-` for stdin. The same file reached twice is read once. Oldest first by first event.
 */
export async function listAuditLogFiles(paths: readonly string[], warnings: string[] = []): Promise<ListedFile[]> {
  const errors: InputError[] = [];
  const found: { file: ListedFile; first: number }[] = [];
  const seen = new Set<string>();
  let stdinSeen = false;
  for (const given of paths) {
    if (given === '-') {
      if (!stdinSeen)
        found.push({ file: { name: STDIN_NAME, gzip: false, size: undefined, stream: true }, first: Number.POSITIVE_INFINITY });
      stdinSeen = true;
      continue;
    }
    try {
      const info = await stat(given);
      if (info.isFIFO() || info.isCharacterDevice() || info.isSocket()) {
        // Its bytes can be read only once: not looked at ahead (that would lose them), read in the order given.
        found.push({ file: { name: given, gzip: false, size: undefined, stream: true }, first: Number.POSITIVE_INFINITY });
        continue;
      }
      const candidates = info.isDirectory() ? await folderFiles(given) : [given];
      if (info.isDirectory() && candidates.length === 0) throw new InputError(`${given}: the folder holds no files`);
      for (const file of candidates) {
        const identity = await realpath(file).catch(() => file);
        if (seen.has(identity)) continue;
        seen.add(identity);
        const head = await readHead(file);
        if (head.size === 0) {
          if (info.isDirectory()) warnings.push(`${file}: empty, skipped`);
          else errors.push(new InputError(`${file}: the audit log is empty`));
          continue;
        }
        found.push({ file: { name: file, gzip: head.gzip, size: head.size, stream: false }, first: firstTimestamp(head.text) });
      }
    } catch (error) {
      errors.push(error instanceof InputError ? error : new InputError(`${given}: ${describe(error)}`, { cause: error }));
    }
  }
  if (errors.length === 1 && errors[0]) throw errors[0];
  if (errors.length > 1) throw new InputErrors(errors);
  if (found.length === 0) throw new InputError(`no audit log files in ${paths.join(', ')}`);
  // Oldest first; files whose start we could not date keep their name order after the dated ones.
  return found.sort((a, b) => a.first - b.first || compareNames(a.file.name, b.file.name)).map((entry) => entry.file);
}

async function folderFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => !entry.name.startsWith('.') && (entry.isFile() || entry.isSymbolicLink()))
    .map((entry) => path.join(folder, entry.name))
    .sort(compareNames);
}

/** The first 64 KiB (decompressed when gzip), to tell gzip apart and date the file by its first event. */
/**
 * Text of a plain file before a range that starts at byte `start`: up to 1 MiB, from its first whole line to
 * the end of the line the range's start falls in (the range's first line is the next). When `start` is 0, the
 * file's first stretch (decompressed when gzip). Where a reader of the range can see what was logged just
 * before it.
 */
export async function textAround(file: ListedFile, start: number): Promise<string> {
  const handle = await open(file.name, 'r');
  try {
    if (start === 0) {
      const buffer = Buffer.alloc(file.gzip ? 256 * 1024 : 1024 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const head = buffer.subarray(0, bytesRead);
      return file.gzip ? gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('utf8') : head.toString('utf8');
    }
    const from = Math.max(0, start - 1024 * 1024);
    const parts: Buffer[] = [];
    let position = from;
    for (;;) {
      const buffer = Buffer.alloc(position < start ? start - position : 64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      const read = buffer.subarray(0, bytesRead);
      const newline = position < start ? -1 : read.indexOf(10);
      parts.push(newline === -1 ? read : read.subarray(0, newline + 1));
      position += bytesRead;
      if (newline !== -1 || bytesRead === 0 || position - start > maxLineBytes) break;
    }
    const text = Buffer.concat(parts).toString('utf8');
    return from === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    await handle.close();
  }
}

async function readHead(file: string): Promise<{ size: number; gzip: boolean; text: string }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size, 64 * 1024));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead);
    const gzip = isGzip(head);
    let text = '';
    try {
      text = gzip ? gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('utf8') : head.toString('utf8');
    } catch {
      // A broken gzip header shows up, with its reason, when the file is read.
    }
    return { size, gzip, text };
  } finally {
    await handle.close();
  }
}

function firstTimestamp(text: string): number {
  for (const line of text.split('\n', 50)) {
    const decoded = decodeAuditLine(line);
    if (decoded.kind !== 'events') continue;
    const event = decoded.events[0];
    const when = Date.parse(event?.requestReceivedTimestamp ?? event?.stageTimestamp ?? '');
    if (!Number.isNaN(when)) return when;
  }
  return Number.POSITIVE_INFINITY;
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Splits a piece into lines and hands each to `onLine` with its 1-based number (undefined text for a line
 * too long to keep). `onBytes` counts bytes as read from disk, before decompression (for a byte range,
 * those inside it).
 */
async function readLines(
  piece: AuditLogPiece,
  stdin: Readable,
  onLine: (text: string | undefined, line: number) => void,
  onBytes: (bytes: number) => void,
): Promise<{ gzip: boolean }> {
  const { file } = piece;
  const ranged = piece.start > 0 || piece.end !== undefined;
  if (ranged && (file.stream || file.gzip)) throw new Error(`${file.name}: only a plain file can be read by byte range`);
  const lines = new LineSplitter(onLine);
  if (!file.stream && !file.gzip) {
    await readPlainLines(piece, lines, onBytes);
    return { gzip: false };
  }
  let stream: Readable;
  let gzip = file.gzip;
  if (file.stream) {
    const source = file.name === STDIN_NAME ? stdin : createReadStream(file.name, { highWaterMark: chunkBytes });
    ({ stream, gzip } = await gunzipIfNeeded(source, onBytes));
  } else {
    const raw = createReadStream(file.name, { highWaterMark: chunkBytes });
    stream = raw.pipe(createGunzip({ chunkSize: chunkBytes }));
    raw.on('data', (chunk: Buffer | string) => onBytes(chunk.length));
    // pipe() does not forward errors: a read error on the file must fail the gunzip side we iterate.
    raw.on('error', (error) => stream.destroy(error));
  }
  for await (const chunk of stream as AsyncIterable<Buffer>) lines.write(chunk);
  lines.end();
  return { gzip };
}

/**
 * A plain file (or a byte range of it) read with plain reads into one buffer the splitter owns: no stream,
 * no buffer per read. Reads of a file in the page cache are copies that take less time than a promise round
 * trip, so they are made synchronously; every few reads the loop yields, for the progress of other threads
 * and for timers. A range's first line starts after the first newline at or after the byte before the range;
 * its last is the one holding the range's last byte.
 */
async function readPlainLines(piece: AuditLogPiece, lines: LineSplitter, onBytes: (bytes: number) => void): Promise<void> {
  const end = piece.end ?? Number.POSITIVE_INFINITY;
  let position = Math.max(0, piece.start - 1);
  let begun = piece.start === 0;
  const fd = openSync(piece.file.name, 'r');
  try {
    for (let reads = 1; ; reads++) {
      const [buffer, offset] = lines.room();
      const bytesRead = readSync(fd, buffer, offset, buffer.length - offset, position);
      if (bytesRead === 0) break;
      onBytes(Math.max(0, Math.min(position + bytesRead, end) - Math.max(position, piece.start)));
      let from = offset;
      let to = offset + bytesRead;
      if (!begun) {
        const newline = buffer.indexOf(10, offset);
        position += bytesRead;
        if (newline === -1 || newline >= to) continue;
        begun = true;
        from = newline + 1;
        // A line that starts where the range ends is the next range's.
        if (position - (to - from) >= end) return;
      } else position += bytesRead;
      let done = false;
      if (position >= end) {
        // The read holds the range's last byte: the first newline from there ends the range.
        const newline = buffer.indexOf(10, Math.max(from, to - (position - end) - 1));
        if (newline !== -1 && newline < to) {
          to = newline + 1;
          done = true;
        }
      }
      lines.filled(from, to);
      if (done) break;
      if (reads % yieldEveryReads === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    lines.end();
  } finally {
    closeSync(fd);
  }
}

/** Reads between two turns of the event loop (4 MiB). */
const yieldEveryReads = 16;

/**
 * Cuts bytes into lines. The bytes go into one buffer it owns (a file is read straight into it), the lines
 * ending there are decoded and handed out, and the start of a line the bytes end in moves to the buffer's
 * front to be continued. Lines are decoded up to 64 KiB at a time, each piece ending with a line, so that a
 * character is never split and no text is carried from one piece to the next.
 */
class LineSplitter {
  private buffer = Buffer.allocUnsafe(chunkBytes);
  /** Bytes at the buffer's front: the start of a line not ended yet. */
  private kept = 0;
  /** In a line too long to keep: its bytes are dropped up to its end. */
  private skipping = false;
  private line = 0;

  constructor(private readonly onLine: (text: string | undefined, line: number) => void) {}

  /** Where the next bytes go: the buffer and the offset from which it is free. */
  room(): [Buffer, number] {
    if (this.kept === this.buffer.length) {
      if (this.buffer.length * 2 > maxLineBytes) {
        // A line longer than anyone writes: what is kept of it goes, and the rest is dropped as it comes.
        this.skipping = true;
        this.kept = 0;
      } else {
        const grown = Buffer.allocUnsafe(this.buffer.length * 2);
        this.buffer.copy(grown, 0, 0, this.kept);
        this.buffer = grown;
      }
    }
    return [this.buffer, this.kept];
  }

  /** Bytes that arrived elsewhere (a stream's chunk), copied into the buffer piece by piece. */
  write(chunk: Buffer): void {
    for (let offset = 0; offset < chunk.length;) {
      const [buffer, at] = this.room();
      const copied = chunk.copy(buffer, at, offset);
      this.filled(at, at + copied);
      offset += copied;
    }
  }

  /**
   * The bytes in [from, to) are new (those between the kept ones and `from`, if any, are not the log's: a
   * range's first bytes before its first line).
   */
  filled(from: number, to: number): void {
    const { buffer } = this;
    let start = from === this.kept ? 0 : from;
    if (this.skipping) {
      const newline = buffer.indexOf(10, from);
      if (newline === -1 || newline >= to) {
        this.kept = 0;
        return;
      }
      this.onLine(undefined, ++this.line);
      this.skipping = false;
      start = newline + 1;
    }
    const last = buffer.lastIndexOf(10, to - 1);
    if (last >= start) this.decode(start, last + 1);
    const rest = last >= start ? last + 1 : start;
    this.kept = to - rest;
    if (this.buffer.length > chunkBytes && this.kept <= chunkBytes / 2) {
      // A long line has passed: back to the usual size.
      this.buffer = Buffer.allocUnsafe(chunkBytes);
      buffer.copy(this.buffer, 0, rest, to);
    } else if (rest < to) buffer.copyWithin(0, rest, to);
  }

  /** Hands out the lines of [start, end), which ends with a newline. */
  private decode(start: number, end: number): void {
    const { buffer } = this;
    while (start < end) {
      let stop = end;
      if (end - start > decodeBytes) {
        const newline = buffer.lastIndexOf(10, start + decodeBytes - 1);
        stop = (newline >= start ? newline : buffer.indexOf(10, start + decodeBytes)) + 1;
      }
      const text = buffer.toString('utf8', start, stop);
      for (let from = 0; from < text.length;) {
        const newline = text.indexOf('\n', from);
        this.onLine(text.slice(from, newline), ++this.line);
        from = newline + 1;
      }
      start = stop;
    }
  }

  /** The input ended: a last line without its newline counts when it holds anything. */
  end(): void {
    if (this.skipping) this.onLine(undefined, this.line + 1);
    else if (this.kept > 0) {
      const rest = this.buffer.toString('utf8', 0, this.kept);
      if (rest.trim() !== '') this.onLine(rest, this.line + 1);
    }
    this.kept = 0;
    this.skipping = false;
  }
}

/** stdin and pipes are streams: their first bytes decide whether they are gzip. */
async function gunzipIfNeeded(input: Readable, onBytes: (bytes: number) => void): Promise<{ stream: Readable; gzip: boolean }> {
  const iterator = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  const replay = new PassThrough({ highWaterMark: chunkBytes });
  void (async () => {
    try {
      onBytes(head.length);
      if (head.length > 0) replay.write(head);
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        onBytes(next.value.length);
        if (!replay.write(next.value)) await new Promise((resolve) => replay.once('drain', resolve));
      }
      replay.end();
    } catch (error) {
      replay.destroy(error as Error);
    }
  })();
  return isGzip(head) ? { stream: replay.pipe(createGunzip({ chunkSize: chunkBytes })), gzip: true } : { stream: replay, gzip: false };
}

function isTruncatedGzip(error: unknown): boolean {
  return (
    (error as NodeJS.ErrnoException | undefined)?.code === 'Z_BUF_ERROR' ||
    /unexpected end of file/i.test(String((error as Error | undefined)?.message))
  );
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'Z_DATA_ERROR') return `not a valid gzip stream (${(error as Error).message})`;
  return error instanceof Error ? error.message : String(error);
}
