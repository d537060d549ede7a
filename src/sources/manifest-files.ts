import { createReadStream } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InputError, InputErrors } from '../errors/kubectl-sa-error.js';
import { STDIN_NAME, type SourceLocation } from '../inventory/inventory.js';
import { holdHeapGrowth } from './heap-growth.js';
import { parseManifests } from './parse-manifests.js';

/** A parsed document together with where it came from. */
export interface SourcedDocument {
  readonly value: unknown;
  readonly source: SourceLocation;
}

export interface ReadOptions {
  /** The stream `-` reads from; process.stdin unless a test injects one. */
  readonly stdin?: Readable;
  /** Files above this size are refused rather than read into memory; default: KUBECTL_SA_MAX_FILE_MB of `env`, else 128 MiB. */
  readonly maxFileBytes?: number;
  /** Where KUBECTL_SA_MAX_FILE_MB comes from; the process' environment unless injected. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Told each text read, by the name its documents' sources give: for callers that look into the text again
   * (a finding's line), so that they need not read the file a second time. The parsed values keep most of it.
   */
  readonly onText?: (file: string, text: string) => void;
}

/** 128 MiB: far above any real manifest set (argo-cd's install.yaml is 1.9 MB), far below trouble. */
export const DEFAULT_MAX_FILE_BYTES = 128 * 1024 * 1024;
export const MAX_FILE_MB_VARIABLE = 'KUBECTL_SA_MAX_FILE_MB';
/**
 * Names of our own stdin, read from the stdin stream rather than opened: a stdin that is a socket (as a
 * parent process may hand us) cannot be opened by path at all.
 */
const ownStdinPaths = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);
/** kubectl reads these extensions when given a folder; files named explicitly are read whatever their name. */
const manifestExtensions = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads files, folders (recursively, in sorted order, as kubectl -R does) and stdin (`-`), and parses
 * every document. All problems are collected and thrown together as InputErrors, so one run shows the
 * user every broken file, not only the first.
 */
export async function readManifests(paths: readonly string[], options: ReadOptions = {}): Promise<SourcedDocument[]> {
  const maxBytes = options.maxFileBytes ?? maxFileBytesFrom(options.env ?? process.env);
  const documents: SourcedDocument[] = [];
  const errors: InputError[] = [];
  const seen = new Set<string>();

  const readOne = async (displayName: string, load: () => Promise<Buffer>): Promise<void> => {
    try {
      const bytes = await load();
      const text = decodeManifestText(bytes, displayName, maxBytes);
      options.onText?.(displayName, text);
      holdHeapGrowth();
      for (const document of parseManifests(text, displayName, { onProgress: holdHeapGrowth })) {
        const source: SourceLocation = {
          file: displayName,
          line: document.line,
          column: document.column,
          ...(document.template === undefined ? {} : { template: document.template }),
        };
        documents.push({ value: document.value, source });
      }
    } catch (error) {
      errors.push(error instanceof InputError ? error : new InputError(`${displayName}: ${describe(error)}`, { cause: error }));
    }
  };

  for (const given of paths) {
    if (given === '-' || ownStdinPaths.has(given)) {
      if (seen.has(STDIN_NAME)) continue;
      seen.add(STDIN_NAME);
      const name = given === '-' ? STDIN_NAME : given;
      await readOne(name, () => readStream(options.stdin ?? process.stdin, maxBytes, name));
      continue;
    }
    let files: string[];
    try {
      files = await expandPath(given);
    } catch (error) {
      errors.push(error instanceof InputError ? error : new InputError(`${given}: ${describe(error)}`, { cause: error }));
      continue;
    }
    for (const file of files) {
      const identity = await realpath(file).catch(() => file);
      if (seen.has(identity)) continue;
      seen.add(identity);
      await readOne(file, async () => {
        const info = await stat(file);
        // A pipe or device (`-f /dev/stdin`, `-f <(helm template …)`) has no size to check first: read it as stdin is read.
        if (!info.isFile()) return readStream(createReadStream(file), maxBytes, file);
        if (info.size > maxBytes) throw tooLarge(file, info.size, maxBytes);
        return readFile(file);
      });
    }
  }

  if (errors.length > 0) throw new InputErrors(errors);
  return documents;
}

async function expandPath(given: string): Promise<string[]> {
  if (/^https?:\/\//i.test(given)) {
    // kubectl fetches URLs; an audit tool that may run in CI should not reach out on its own.
    throw new InputError(`${given}: manifests are not fetched from URLs; download the file and pass its path (or pipe it to -f -)`);
  }
  let info;
  try {
    info = await stat(given);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${given}: no such file or directory`, { cause: error });
    if (code === 'EACCES') throw new InputError(`${given}: permission denied`, { cause: error });
    throw error;
  }
  if (info.isFile() || info.isFIFO() || info.isCharacterDevice()) return [given];
  if (!info.isDirectory()) throw new InputError(`${given}: not a regular file, pipe, device or folder`);
  const found: string[] = [];
  await walkFolder(given, found, new Set());
  return found;
}

async function walkFolder(folder: string, found: string[], visited: Set<string>): Promise<void> {
  const identity = await realpath(folder);
  if (visited.has(identity)) return; // a symlink loop
  visited.add(identity);
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.name === '.git' || entry.name === 'node_modules') continue;
    const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(full).catch(() => undefined))?.isDirectory());
    if (isDirectory) await walkFolder(full, found, visited);
    else if (manifestExtensions.has(path.extname(entry.name).toLowerCase())) found.push(full);
  }
}

/** How much of a file is looked at for NUL bytes to tell binary from text. */
const BINARY_PROBE_BYTES = 8192;

function decodeManifestText(bytes: Buffer, file: string, maxBytes: number): string {
  if (bytes.length > maxBytes) throw tooLarge(file, bytes.length, maxBytes);
  if (bytes.subarray(0, BINARY_PROBE_BYTES).includes(0)) throw binary(file);
  const text = bytes.toString('utf8');
  // A UTF-8 byte-order mark is legal at the start of a YAML stream but confuses position counting.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function binary(file: string): InputError {
  return new InputError(`${file}: looks like a binary file (it contains NUL bytes), not YAML or JSON manifests`);
}

/** `size` is undefined for a stream, which is refused once it passes the limit, before its end. */
function tooLarge(file: string, size: number | undefined, maxBytes: number): InputError {
  const told =
    size === undefined ? `more than ${formatSize(maxBytes)}, the limit` : `${formatSize(size)}, the limit is ${formatSize(maxBytes)}`;
  return new InputError(`${file}: too large to read (${told})`, {
    hint: `split it, or raise the limit in MiB with ${MAX_FILE_MB_VARIABLE} (default ${DEFAULT_MAX_FILE_BYTES / (1024 * 1024)})`,
  });
}

/** The size limit for one input file or stream: KUBECTL_SA_MAX_FILE_MB (MiB, fractions allowed), else 128 MiB. */
export function maxFileBytesFrom(env: NodeJS.ProcessEnv): number {
  const text = env[MAX_FILE_MB_VARIABLE]?.trim();
  if (text === undefined || text === '') return DEFAULT_MAX_FILE_BYTES;
  const mebibytes = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(mebibytes > 0)) throw new InputError(`${MAX_FILE_MB_VARIABLE}=${text}: not a size in MiB (a positive number, such as 256)`);
  return Math.floor(mebibytes * 1024 * 1024);
}

function formatSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Reads a stream under the size limit. A binary stream is refused as soon as its first bytes show it, and an
 * endless one (`/dev/zero`) at the limit, so neither is read to the end.
 */
async function readStream(stream: Readable, maxBytes: number, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  let probed = false;
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      total += buffer.length;
      if (total > maxBytes) throw tooLarge(name, undefined, maxBytes);
      chunks.push(buffer);
      if (!probed && total >= BINARY_PROBE_BYTES) {
        probed = true;
        if (Buffer.concat(chunks).subarray(0, BINARY_PROBE_BYTES).includes(0)) throw binary(name);
      }
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
