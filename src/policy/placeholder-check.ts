import { placeholdersOf } from './message-template.js';

/**
 * Whether a template's placeholders name fields the target's published schema (policies/targets/) has: a
 * placeholder that cannot resolve renders `<unset>` in every finding, so it is a pack error, caught when the
 * pack loads rather than read in a report. Pure: the schemas are given.
 */

type Schema = boolean | Record<string, unknown>;

/** Each placeholder of the template that names no field of the schema, with why. */
export function unresolvedPlaceholders(template: string, schema: Record<string, unknown>): { placeholder: string; reason: string }[] {
  const problems: { placeholder: string; reason: string }[] = [];
  for (const { text, path } of placeholdersOf(template)) {
    const reason = missingAt(schema, path, schema, []);
    if (reason !== undefined) problems.push({ placeholder: text, reason });
  }
  return problems;
}

/** Undefined when `path` can name a value of `schema`; else where it stops, in words. */
function missingAt(schema: Schema, path: readonly string[], root: Record<string, unknown>, walked: readonly string[]): string | undefined {
  if (path.length === 0 || schema === true) return undefined;
  const here = walked.length === 0 ? 'the document' : `"${walked.join('.')}"`;
  if (schema === false) return `${here} has no fields`;
  const resolved = dereference(schema, root);
  const branches = ['oneOf', 'anyOf', 'allOf']
    .flatMap((keyword) => (Array.isArray(resolved[keyword]) ? (resolved[keyword] as Schema[]) : []))
    .filter((branch) => branch !== false);
  if (branches.length > 0) {
    const reasons = branches.map((branch) => missingAt(branch, path, root, walked));
    if (reasons.some((reason) => reason === undefined)) return undefined;
    if (!hasOwnShape(resolved)) return reasons[0];
  }
  const [head = '', ...rest] = path;
  const next = [...walked, head];
  const types = typesOf(resolved);
  if (resolved.items !== undefined && (types.size === 0 || types.has('array'))) {
    if (!/^\d+$/.test(head)) return `${here} is a list: name an item by its index`;
    return missingAt(resolved.items as Schema, rest, root, next);
  }
  const properties = isRecord(resolved.properties) ? resolved.properties : undefined;
  if (properties && Object.hasOwn(properties, head)) return missingAt(properties[head] as Schema, rest, root, next);
  const additional = resolved.additionalProperties;
  if (additional !== undefined && additional !== false) return missingAt(additional as Schema, rest, root, next);
  const scalar = types.size > 0 && [...types].every((type) => type !== 'object' && type !== 'array');
  if (scalar) return `${here} is ${[...types].join(' or ')}, with no field "${head}"`;
  // An object the schema leaves open (metadata, the Kubernetes object itself): any field may be there.
  if (!properties && additional === undefined) return undefined;
  const known = properties ? Object.keys(properties) : [];
  return `${here} has no field "${head}"${known.length > 0 ? ` (it has ${known.join(', ')})` : ''}`;
}

function dereference(schema: Record<string, unknown>, root: Record<string, unknown>): Record<string, unknown> {
  let current = schema;
  for (let depth = 0; typeof current.$ref === 'string' && depth < 32; depth += 1) {
    const pointer = current.$ref;
    if (!pointer.startsWith('#/')) return current;
    let target: unknown = root;
    for (const part of pointer.slice(2).split('/'))
      target = isRecord(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (!isRecord(target)) return current;
    current = target;
  }
  return current;
}

function typesOf(schema: Record<string, unknown>): Set<string> {
  const type = schema.type;
  return new Set(
    typeof type === 'string' ? [type] : Array.isArray(type) ? type.filter((item): item is string => typeof item === 'string') : [],
  );
}

/** A schema whose own keywords describe fields, beside its oneOf/anyOf/allOf branches. */
function hasOwnShape(schema: Record<string, unknown>): boolean {
  return schema.properties !== undefined || schema.items !== undefined || schema.additionalProperties !== undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
