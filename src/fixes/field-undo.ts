import { InputError } from '../errors/kubectl-sa-error.js';
import type { ObjectRef } from '../inventory/inventory.js';
import { tokenShaped } from '../tokens/jwt.js';
import { diffToPatch } from './json-diff.js';
import { applyPatch, PatchError, parsePointer, valueAt, type PatchOperation } from './json-patch.js';
import { labelOf } from './plan.js';

/**
 * How to take a change to a live object back without a copy of the object: each field the change made,
 * at its JSON pointer, with its value before (absent: it was not there) and after. Only the fields the
 * change touched are kept, so a token pasted into a container's env, or anything else beside the change,
 * never reaches a backup; undo puts back those fields alone, and only where each still holds what the
 * change left (a later change elsewhere in the object survives undo; one to the same field stops it).
 */
export interface FieldChange {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/**
 * Undo restores what kubectl sa changes (a spec, a ServiceAccount's automount, a binding's subjects), never
 * metadata or status: labels and annotations stay as they are now, controllers' (a Deployment's revision)
 * and kubectl apply's alike. No fix or migration changes metadata.
 */
export const notRestored = ['/metadata', '/status'];

/**
 * The fields `before` → `after` changed, in the order that takes them back (undo applies them first to
 * last). A change that rewrites a field holding a token could not be taken back without keeping it: it
 * is refused before anything is written.
 */
export function fieldChanges(object: ObjectRef, before: unknown, after: unknown): FieldChange[] {
  const fields: FieldChange[] = [];
  let document = after;
  for (const operation of diffToPatch(after, before, notRestored)) {
    const was = operation.op === 'add' ? undefined : valueAt(document, operation.path);
    const value = operation.op === 'remove' ? undefined : (operation as { value: unknown }).value;
    fields.push({ path: operation.path, ...(value === undefined ? {} : { before: value }), ...(was === undefined ? {} : { after: was }) });
    document = applyPatch(document, [operation]);
  }
  const holdsToken = fields.find((field) => new RegExp(tokenShaped.source).test(JSON.stringify([field.before, field.after])));
  if (holdsToken)
    throw new InputError(
      `${labelOf(object)}: the change rewrites ${holdsToken.path}, which holds a token its backup would have to keep; nothing was changed`,
      { hint: 'move the token to a Secret (env valueFrom.secretKeyRef) and run again' },
    );
  return fields;
}

/** The JSON Patch that takes the fields back, each guarded by a `test` of what the change left there. */
export function undoPatch(fields: readonly FieldChange[]): PatchOperation[] {
  return fields.flatMap((field) => steps(field.path, field.after, field.before));
}

/** The JSON Patch that makes the change again, guarded the same way: the fields in reverse, before → after. */
export function redoPatch(fields: readonly FieldChange[]): PatchOperation[] {
  return [...fields].reverse().flatMap((field) => steps(field.path, field.before, field.after));
}

function steps(path: string, from: unknown, to: unknown): PatchOperation[] {
  if (from === undefined) return [{ op: 'add', path, value: to }];
  const test: PatchOperation = { op: 'test', path, value: from };
  return [test, to === undefined ? { op: 'remove', path } : { op: 'replace', path, value: to }];
}

/**
 * `patch` applied to `document`, or the pointer where it does not fit: a `test` that fails, or an `add` of
 * an object member that is there already (JSON Patch cannot test that a member is absent, so it is checked
 * here; an add into a list inserts, and needs no such check).
 */
export function applyGuarded(document: unknown, patch: readonly PatchOperation[]): { document: unknown } | { misfit: string } {
  let current = document;
  for (const operation of patch) {
    if (
      operation.op === 'add' &&
      !Array.isArray(valueAt(current, parentOf(operation.path))) &&
      valueAt(current, operation.path) !== undefined
    )
      return { misfit: operation.path };
    try {
      current = applyPatch(current, [operation]);
    } catch (error) {
      if (error instanceof PatchError) return { misfit: operation.path };
      throw error;
    }
  }
  return { document: current };
}

function parentOf(pointer: string): string[] {
  return parsePointer(pointer).slice(0, -1);
}
