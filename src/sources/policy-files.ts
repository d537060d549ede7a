import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors/kubectl-sa-error.js';
import type { PositionedDocument } from '../policy/schema-errors.js';
import { builtInFiles } from './built-in-files.js';
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
  return builtInFiles('policies')
    .filter((file) => !file.name.endsWith('.schema.json'))
    .flatMap((file) => {
      try {
        return parsePolicyText(file.text, `<built-in>/${file.name}`);
      } catch (error) {
        errors.push(error instanceof InputError ? error : new InputError(`<built-in>/${file.name}: ${String(error)}`, { cause: error }));
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
