/**
 * RFC 6902 JSON Patch over plain JSON values, with RFC 6901 pointers. Pure and copy-on-write: the input is
 * never changed, and unchanged branches are shared. Every failure says which operation and why, so a fix
 * whose precondition (`test`) no longer holds is reported, not forced.
 */

export type PatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move' | 'copy'; readonly from: string; readonly path: string };

export const patchOperationNames = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;

export class PatchError extends Error {
  /** Index of the failing operation in the patch. */
  readonly index: number;
  /** True when a `test` precondition failed (the object changed, or the fix does not apply), not a broken patch. */
  readonly precondition: boolean;

  constructor(message: string, index: number, precondition: boolean) {
    super(message);
    this.index = index;
    this.precondition = precondition;
  }
}

/** Splits a JSON pointer into its unescaped tokens (`/a~1b/0` → ['a/b', '0']); `` is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer ${JSON.stringify(pointer)}: it must be empty or start with /`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((token) => `/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The value at a pointer, or undefined when some step is missing. */
export function valueAt(document: unknown, pointer: string | readonly string[]): unknown {
  let current = document;
  for (const token of typeof pointer === 'string' ? parsePointer(pointer) : pointer) {
    if (Array.isArray(current)) current = isIndex(token) ? current[Number(token)] : undefined;
    else if (isObject(current)) current = Object.hasOwn(current, token) ? current[token] : undefined;
    else return undefined;
  }
  return current;
}

/** Applies the operations in order; throws PatchError naming the first that cannot apply. */
export function applyPatch<T>(document: T, operations: readonly PatchOperation[]): T {
  let current: unknown = document;
  operations.forEach((operation, index) => {
    current = applyOne(current, operation, index);
  });
  return current as T;
}

function applyOne(document: unknown, operation: PatchOperation, index: number): unknown {
  const fail = (reason: string, precondition = false): never => {
    throw new PatchError(`operation ${index} (${operation.op} ${operation.path}): ${reason}`, index, precondition);
  };
  let path: string[];
  try {
    path = parsePointer(operation.path);
  } catch (error) {
    return fail((error as Error).message);
  }
  switch (operation.op) {
    case 'test': {
      const actual = valueAt(document, path);
      if (actual === undefined) return fail(`expected ${JSON.stringify(operation.value)}, found nothing`, true);
      if (!deepEqual(actual, operation.value))
        return fail(`expected ${JSON.stringify(operation.value)}, found ${JSON.stringify(actual)}`, true);
      return document;
    }
    case 'add':
      return update(document, path, (parent, token) => insert(parent, token, clone(operation.value), fail), fail, true);
    case 'replace':
      if (path.length === 0) return clone(operation.value);
      return update(
        document,
        path,
        (parent, token) => {
          if (valueAt(parent, [token]) === undefined) fail('nothing to replace there');
          return setChild(parent, token, clone(operation.value));
        },
        fail,
      );
    case 'remove':
      if (path.length === 0) return fail('cannot remove the whole document');
      return update(document, path, (parent, token) => removeChild(parent, token, fail), fail);
    case 'move':
    case 'copy': {
      let from: string[];
      try {
        from = parsePointer(operation.from);
      } catch (error) {
        return fail((error as Error).message);
      }
      const value = valueAt(document, from);
      if (value === undefined) return fail(`nothing at ${operation.from} to ${operation.op}`);
      if (operation.op === 'move' && path.length > from.length && from.every((token, i) => path[i] === token))
        return fail('cannot move a value into itself');
      const without =
        operation.op === 'move' ? update(document, from, (parent, token) => removeChild(parent, token, fail), fail) : document;
      return update(without, path, (parent, token) => insert(parent, token, clone(value), fail), fail, true);
    }
  }
}

type Fail = (reason: string, precondition?: boolean) => never;

/** Rebuilds the spine from the root to the parent of `path`, replacing the parent by `change(parent, last)`. */
function update(
  document: unknown,
  path: readonly string[],
  change: (parent: unknown, token: string) => unknown,
  fail: Fail,
  adding = false,
): unknown {
  if (path.length === 0) {
    if (adding) return change(undefined, '');
    return fail('the whole document cannot be the target');
  }
  const [token, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return change(document, token);
  const child = valueAt(document, [token]);
  if (child === undefined || (!isObject(child) && !Array.isArray(child))) fail(`the parent /${token}… does not exist`);
  return setChild(document, token, update(child, rest, change, fail, adding));
}

function insert(parent: unknown, token: string, value: unknown, fail: Fail): unknown {
  if (parent === undefined && token === '') return value;
  if (Array.isArray(parent)) {
    if (token === '-') return [...parent, value];
    if (!isIndex(token) || Number(token) > parent.length) return fail(`index ${token} is out of range`);
    const copy = [...parent];
    copy.splice(Number(token), 0, value);
    return copy;
  }
  if (isObject(parent)) return { ...parent, [token]: value };
  return fail('the parent is not an object or array');
}

function setChild(parent: unknown, token: string, value: unknown): unknown {
  if (Array.isArray(parent)) {
    const copy = [...parent];
    copy[Number(token)] = value;
    return copy;
  }
  return { ...(parent as Record<string, unknown>), [token]: value };
}

function removeChild(parent: unknown, token: string, fail: Fail): unknown {
  if (Array.isArray(parent)) {
    if (!isIndex(token) || Number(token) >= parent.length) return fail(`index ${token} is out of range`);
    return parent.filter((_item, i) => i !== Number(token));
  }
  if (isObject(parent)) {
    if (!Object.hasOwn(parent, token)) return fail('nothing to remove there');
    const { [token]: _removed, ...rest } = parent;
    return rest;
  }
  return fail('the parent is not an object or array');
}

function isIndex(token: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(token);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return value === undefined ? value : (structuredClone(value) as T);
}

/** JSON equality: key order does not matter, array order does. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}
