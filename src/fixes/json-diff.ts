import { deepEqual, formatPointer, type PatchOperation } from './json-patch.js';

/**
 * The JSON Patch that turns `from` into `to`, applied in order: members added, removed or replaced,
 * recursing into objects and into list items at the same index, so a field changed inside a list item
 * (a container's) is one operation at its own pointer, never the whole list (which would carry every
 * other item, env values included, into whatever keeps the patch). Lists of different lengths keep the
 * items equal at both ends, pair the middle ones by index and add or remove the rest; the operations'
 * indices hold at the point each is applied. Paths under `ignore` (pointers) are left alone:
 * server-owned fields such as resourceVersion.
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
  if (Array.isArray(from) && Array.isArray(to)) return listDiff(from, to, ignore, at);
  return [{ op: 'replace', path: pointer, value: to }];
}

function listDiff(from: readonly unknown[], to: readonly unknown[], ignore: readonly string[], at: readonly string[]): PatchOperation[] {
  const shorter = Math.min(from.length, to.length);
  let head = 0;
  while (head < shorter && deepEqual(from[head], to[head])) head++;
  let tail = 0;
  while (tail < shorter - head && deepEqual(from[from.length - 1 - tail], to[to.length - 1 - tail])) tail++;
  const fromMiddle = from.length - head - tail;
  const toMiddle = to.length - head - tail;
  const paired = Math.min(fromMiddle, toMiddle);
  const operations: PatchOperation[] = [];
  for (let i = head; i < head + paired; i++) operations.push(...diffToPatch(from[i], to[i], ignore, [...at, String(i)]));
  // Each removal shifts the next surplus item into the same index; each addition goes right after the last.
  for (let i = paired; i < fromMiddle; i++) operations.push({ op: 'remove', path: formatPointer([...at, String(head + paired)]) });
  for (let i = paired; i < toMiddle; i++)
    operations.push({ op: 'add', path: formatPointer([...at, String(head + i)]), value: to[head + i] });
  return operations;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
