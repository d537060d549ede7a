import { deepEqual, formatPointer, type PatchOperation } from './json-patch.js';

/**
 * The JSON Patch that turns `from` into `to`: members added, removed or replaced, recursing into objects;
 * a list that differs is replaced whole (list items have no identity JSON Patch could follow safely).
 * Paths under `ignore` (pointers) are left alone: server-owned fields such as resourceVersion.
 */
export function diffToPatch(from: unknown, to: unknown, ignore: readonly string[] = [], at: readonly string[] = []): PatchOperation[] {
  const pointer = formatPointer(at);
  if (ignore.includes(pointer)) return [];
  if (deepEqual(from, to)) return [];
  if (isObject(from) && isObject(to)) {
    const operations: PatchOperation[] = [];
    for (const key of Object.keys(from)) {
      const path = formatPointer([...at, key]);
      if (ignore.includes(path)) continue;
      if (!Object.hasOwn(to, key)) operations.push({ op: 'remove', path });
    }
    for (const [key, value] of Object.entries(to)) {
      const path = formatPointer([...at, key]);
      if (ignore.includes(path)) continue;
      if (!Object.hasOwn(from, key)) operations.push({ op: 'add', path, value });
      else operations.push(...diffToPatch(from[key], value, ignore, [...at, key]));
    }
    return operations;
  }
  return [{ op: 'replace', path: pointer, value: to }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
