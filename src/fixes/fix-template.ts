import type { CompiledFix } from '../policy/compile-pack.js';
import { lookupPath, parsePath } from '../policy/message-template.js';
import type { PatchOperation } from './json-patch.js';

const placeholder = /\{\{\s*([^{}]{1,200}?)\s*\}\}/g;
const wholePlaceholder = /^\{\{\s*([^{}]{1,200}?)\s*\}\}$/;

/** A fix's template quotes something the finding's context does not have: the fix does not apply to it. */
export class FixTemplateError extends Error {}

/**
 * What a fix's templates may quote: the rule's target document (the same fields its message quotes) plus
 * `podSpecPointer`, the JSON pointer of the pod spec inside the source object (`/spec/template/spec` for a
 * Deployment, `/spec/jobTemplate/spec/template/spec` for a CronJob, `/spec` for a Pod), and
 * `podMetadataPointer`, the pod metadata's beside it (`/spec/template/metadata`, `/metadata` for a Pod).
 */
export function fixContextOf(document: unknown): Record<string, unknown> {
  const base = typeof document === 'object' && document !== null ? (document as Record<string, unknown>) : {};
  const podSpecPath = base.podSpecPath;
  if (typeof podSpecPath !== 'string') return { ...base };
  if (podSpecPath === '') return { ...base, podSpecPointer: '' };
  const tokens = podSpecPath.split('.');
  return {
    ...base,
    podSpecPointer: `/${tokens.join('/')}`,
    podMetadataPointer: `/${[...tokens.slice(0, -1), 'metadata'].join('/')}`,
  };
}

/**
 * The fix's operations with every placeholder filled from the context. An operation with `each` is repeated
 * for every item of that list (those its `where` schema accepts), with `{{item.…}}` and `{{index}}` quoting it.
 */
export function renderFixPatch(fix: CompiledFix, context: Record<string, unknown>): PatchOperation[] {
  return (fix.spec.patch ?? []).flatMap((operation, at) => {
    if (operation.each === undefined) return [renderOperation(operation, context)];
    const items = lookupPath(context, parsePath(operation.each));
    if (!Array.isArray(items)) throw new FixTemplateError(`{{${operation.each}}} is not a list here`);
    const where = fix.where.get(at);
    return items.flatMap((item: unknown, index) =>
      where && !where(item) ? [] : [renderOperation(operation, { ...context, item, index })],
    );
  });
}

function renderOperation(operation: NonNullable<CompiledFix['spec']['patch']>[number], context: unknown): PatchOperation {
  const path = renderString(operation.path, context);
  if (operation.op === 'remove') return { op: 'remove', path };
  if (operation.op === 'move' || operation.op === 'copy')
    return { op: operation.op, from: renderString(operation.from ?? '', context), path };
  return { op: operation.op, path, value: renderValue(operation.value, context) };
}

function renderString(template: string, context: unknown): string {
  return template.replace(placeholder, (_whole, path: string) => {
    const value = lookupPath(context, parsePath(path));
    if (value === undefined || value === null) throw new FixTemplateError(`{{${path}}} has no value here`);
    if (typeof value === 'object') throw new FixTemplateError(`{{${path}}} is not a single value and cannot be quoted inside text`);
    return String(value);
  });
}

/** The objects a fix creates, with every placeholder filled from the context. */
export function renderFixCreates(fix: CompiledFix, context: unknown): Record<string, unknown>[] {
  return (fix.spec.creates ?? []).map((object) => renderValue(object, context) as Record<string, unknown>);
}

/** A string that is one placeholder takes the quoted value as it is (a number stays a number). */
function renderValue(value: unknown, context: unknown): unknown {
  if (typeof value === 'string') {
    const whole = wholePlaceholder.exec(value);
    if (whole?.[1] !== undefined) {
      const found = lookupPath(context, parsePath(whole[1]));
      if (found === undefined) throw new FixTemplateError(`{{${whole[1]}}} has no value here`);
      return structuredClone(found);
    }
    return renderString(value, context);
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(item, context));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderValue(item, context)]));
  return value;
}
