import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors/kubectl-sa-error.js';
import type { PositionedDocument } from '../policy/schema-errors.js';
import { builtInFiles, type BuiltInFile } from './built-in-files.js';
import { parseManifests } from './parse-manifests.js';
import { YamlPointerLines } from './yaml-pointer-lines.js';

/**
 * Reads policy packs, pack test files and exemptions files, keeping each document's position and a way to
 * name the line of any JSON pointer in it, for the policy engine's errors. A file that cannot be read or
 * parsed goes to `errors`, so one run reports every broken file.
 */

/**
 * The built-in packs and their tests, carried inside kubectl-sa (src/sources/built-in-files.ts). Their
 * file names read `<built-in>/policies/rbac.yaml`: the repository path, marked as not on the user's disk.
 */
export function builtInPolicyDocuments(errors: InputError[]): PositionedDocument[] {
  return builtInPolicyDocumentsFrom(
    builtInFiles('policies').filter((file) => !file.name.endsWith('.schema.json')),
    typeof KUBECTL_SA_PARSED_PACKS === 'undefined' ? undefined : (JSON.parse(KUBECTL_SA_PARSED_PACKS) as PreparsedPolicyFiles),
    errors,
  );
}

/**
 * The built-in packs parsed at build time (scripts/build.ts puts `preparsePolicyFiles` of them into the
 * bundle): every start of the program used to parse their YAML with positions. Undefined run from the sources.
 */
declare const KUBECTL_SA_PARSED_PACKS: string | undefined;

/** A pack document parsed at build time: its value, line, and the lines of the pointers every load asks for. */
export interface PreparsedPolicyDocument {
  readonly value: unknown;
  readonly line: number;
  /** `''` and each item of `rules`, `facts` and `fixes`, which compiled packs name as their sources. */
  readonly lines: Readonly<Record<string, number>>;
}
export type PreparsedPolicyFiles = Readonly<Record<string, readonly PreparsedPolicyDocument[]>>;

/** What the build embeds: each policy file's documents, parsed, with the lines compiled packs need. */
export function preparsePolicyFiles(files: readonly BuiltInFile[]): PreparsedPolicyFiles {
  const parsed: Record<string, PreparsedPolicyDocument[]> = {};
  for (const file of files) {
    parsed[file.name] = parsePolicyText(file.text, file.name).map((document) => {
      const lines: Record<string, number> = {};
      const pointers = [''];
      const value = document.value as Record<string, unknown> | null;
      for (const list of ['rules', 'facts', 'fixes']) {
        const items = value !== null && typeof value === 'object' ? value[list] : undefined;
        if (Array.isArray(items)) items.forEach((_, index) => pointers.push(`/${list}/${index}`));
      }
      for (const pointer of pointers) {
        const line = document.lineOf(pointer);
        if (line !== undefined) lines[pointer] = line;
      }
      return { value: document.value, line: document.line, lines };
    });
  }
  return parsed;
}

/**
 * The built-in packs' documents, from what the build parsed when it did; a pointer it did not keep (a
 * problem to report) is looked up in the text, parsed then.
 */
export function builtInPolicyDocumentsFrom(
  files: readonly BuiltInFile[],
  preparsed: PreparsedPolicyFiles | undefined,
  errors: InputError[],
): PositionedDocument[] {
  return files.flatMap((file) => {
    const name = `<built-in>/${file.name}`;
    const documents = preparsed?.[file.name];
    try {
      if (!documents) return parsePolicyText(file.text, name);
      let fromText: PositionedDocument[] | undefined;
      return documents.map((document, index) => ({
        value: document.value,
        file: name,
        line: document.line,
        lineOf: (pointer: string) => document.lines[pointer] ?? (fromText ??= parsePolicyText(file.text, name))[index]?.lineOf(pointer),
      }));
    } catch (error) {
      errors.push(error instanceof InputError ? error : new InputError(`${name}: ${String(error)}`, { cause: error }));
      return [];
    }
  });
}

/**
 * The published schemas of the derived targets (`policies/targets/*.schema.json`), parsed, by file name
 * (`workload.schema.json`): built in like the packs, so the standalone binary has them too.
 */
export function builtInTargetSchemas(): Map<string, Record<string, unknown>> {
  const schemas = new Map<string, Record<string, unknown>>();
  for (const file of builtInFiles('policies')) {
    if (!file.name.startsWith('policies/targets/') || !file.name.endsWith('.schema.json')) continue;
    const value: unknown = JSON.parse(file.text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      schemas.set(file.name.slice('policies/targets/'.length), value as Record<string, unknown>);
    }
  }
  return schemas;
}

/** Reads every policy document under a file or folder (recursively, sorted; `*.schema.json` skipped). */
export async function readPolicyDocuments(given: string, errors: InputError[]): Promise<PositionedDocument[]> {
  let files: string[];
  try {
    files = await policyFiles(given);
  } catch (error) {
    errors.push(error instanceof InputError ? error : new InputError(`${given}: ${String(error)}`, { cause: error }));
    return [];
  }
  const documents: PositionedDocument[] = [];
  for (const file of files) {
    try {
      documents.push(...parsePolicyText(await readFile(file, 'utf8'), file));
    } catch (error) {
      errors.push(error instanceof InputError ? error : new InputError(`${file}: ${String(error)}`, { cause: error }));
    }
  }
  return documents;
}

/** Pure: a policy file's text → documents that can map a JSON pointer back to a line. */
export function parsePolicyText(text: string, file: string): PositionedDocument[] {
  const parsed = parseManifests(text, file);
  const pointers = new YamlPointerLines(text);
  // Pointers are looked up only when a pack has a problem to report: its document's events are parsed then.
  return parsed.map((document) => ({
    value: document.value,
    file,
    line: document.line,
    lineOf: (pointer: string) => {
      const handle = pointers.documentAtLine(document.line);
      return handle === undefined ? undefined : pointers.lineOf(handle, pointer);
    },
  }));
}

async function policyFiles(given: string): Promise<string[]> {
  const info = await stat(given).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`${given}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`, { cause: error });
  });
  if (info.isFile()) return [given];
  const found: string[] = [];
  const walk = async (folder: string) => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/\.(ya?ml|json)$/i.test(entry.name) && !entry.name.endsWith('.schema.json')) found.push(full);
    }
  };
  await walk(given);
  return found;
}
