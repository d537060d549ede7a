import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InputError, InputErrors } from '../errors/kubectl-sa-error.js';
import type { SourceLocation } from '../inventory/inventory.js';
import { parseManifests } from './parse-manifests.js';

/** A parsed document together with where it came from. */
export interface SourcedDocument {
  readonly value: unknown;
  readonly source: SourceLocation;
}

export interface ReadOptions {
  /** The stream `-` reads from; process.stdin unless a test injects one. */
  readonly stdin?: Readable;
  /** Files above this size are refused rather than read into memory. */
  readonly maxFileBytes?: number;
}

export const STDIN_NAME = '<stdin>';
/** 128 MiB: far above any real manifest set (argo-cd's install.yaml is 1.9 MB), far below trouble. */
export const DEFAULT_MAX_FILE_BYTES = 128 * 1024 * 1024;
/** kubectl reads these extensions when given a folder; files named explicitly are read whatever their name. */
const manifestExtensions = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads files, folders (recursively, in sorted order, as kubectl -R does) and stdin (`-`), and parses
 * every document. All problems are collected and thrown together as InputErrors, so one run shows the
 * user every broken file, not only the first.
 */
export async function readManifests(paths: readonly string[], options: ReadOptions = {}): Promise<SourcedDocument[]> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const documents: SourcedDocument[] = [];
  const errors: InputError[] = [];
  const seen = new Set<string>();

  const readOne = async (displayName: string, load: () => Promise<Buffer>): Promise<void> => {
    try {
      const bytes = await load();
      const text = decodeManifestText(bytes, displayName, maxBytes);
      for (const document of parseManifests(text, displayName)) {
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
    if (given === '-') {
      if (seen.has(STDIN_NAME)) continue;
      seen.add(STDIN_NAME);
      await readOne(STDIN_NAME, () => readStream(options.stdin ?? process.stdin, maxBytes));
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
  if (info.isFile()) return [given];
  if (!info.isDirectory()) throw new InputError(`${given}: not a regular file or folder`);
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

function decodeManifestText(bytes: Buffer, file: string, maxBytes: number): string {
  if (bytes.length > maxBytes) throw tooLarge(file, bytes.length, maxBytes);
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) {
    throw new InputError(`${file}: looks like a binary file (it contains NUL bytes), not YAML or JSON manifests`);
  }
  const text = bytes.toString('utf8');
  // A UTF-8 byte-order mark is legal at the start of a YAML stream but confuses position counting.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function tooLarge(file: string, size: number, maxBytes: number): InputError {
  return new InputError(`${file}: file is too large to read (${formatMiB(size)}, the limit is ${formatMiB(maxBytes)})`, {
    hint: 'split it, or raise the limit with KUBECTL_SA_MAX_FILE_MB',
  });
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

async function readStream(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > maxBytes) throw tooLarge(STDIN_NAME, total, maxBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
