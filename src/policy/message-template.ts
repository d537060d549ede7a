/**
 * `{{dotted.path}}` templates for finding messages. Packs are untrusted, so a template can only quote
 * fields of the target document: there are no expressions, filters or code. Paths use `.` between
 * fields, numbers for list items, and `['key']` for keys that contain dots or slashes (annotations).
 * `{{?path}}` is optional: it renders nothing (instead of `<unset>`) when the field is absent, so one
 * template can list only the facts that hold.
 */
const placeholder = /\{\{\s*(\??)\s*([^{}]{1,200}?)\s*\}\}/g;
// Long enough for a risk fact with its resources and the binding that grants it; short enough that a
// hostile field cannot flood a report.
const maxQuoteLength = 600;

export function renderTemplate(template: string, document: unknown): string {
  let optionalGap = false;
  let text = '';
  for (const part of compiled(template)) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const value = lookupPath(document, part.path);
    if (part.optional && (value === undefined || value === null)) optionalGap = true;
    else text += quote(value);
  }
  // An omitted optional part leaves its neighbours' spaces behind; close the gap.
  return optionalGap ? text.replace(/ {2,}/g, ' ').trim() : text;
}

/** A template split once into literal text and placeholders: a scan renders the same few templates for every finding. */
type TemplatePart = string | { readonly optional: boolean; readonly path: readonly string[] };
const compiledTemplates = new Map<string, readonly TemplatePart[]>();

function compiled(template: string): readonly TemplatePart[] {
  let parts = compiledTemplates.get(template);
  if (!parts) {
    const found: TemplatePart[] = [];
    let last = 0;
    for (const match of template.matchAll(placeholder)) {
      found.push(template.slice(last, match.index));
      found.push({ optional: match[1] === '?', path: parsePath(match[2] ?? '') });
      last = match.index + match[0].length;
    }
    found.push(template.slice(last));
    parts = found.filter((part) => part !== '');
    compiledTemplates.set(template, parts);
  }
  return parts;
}

/** The template's placeholders as written (`{{?a.b}}`) and their parsed paths. */
export function placeholdersOf(template: string): { readonly text: string; readonly path: readonly string[] }[] {
  return [...template.matchAll(placeholder)].map((match) => ({ text: match[0], path: parsePath(match[2] ?? '') }));
}

/**
 * Why a template cannot render as meant (a `{{` without its `}}`, an empty or over-long placeholder),
 * or undefined when it is fine: caught when the pack loads, not as odd text in a finding.
 */
export function checkTemplate(template: string): string | undefined {
  const rest = template.replace(placeholder, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    const at = rest.indexOf('{{') === -1 ? rest.indexOf('}}') : rest.indexOf('{{');
    return `template has an unclosed or malformed placeholder near ${JSON.stringify(rest.slice(at, at + 40))}; placeholders are {{dotted.path}} or {{?dotted.path}}`;
  }
  return undefined;
}

/** Splits `a.b[0]['c.d']` into ['a','b','0','c.d']; returns undefined for malformed paths. */
export function parsePath(path: string): string[] {
  const segments: string[] = [];
  let index = 0;
  let current = '';
  while (index < path.length) {
    const char = path[index] ?? '';
    if (char === '.') {
      if (current !== '') segments.push(current);
      current = '';
      index += 1;
    } else if (char === '[') {
      if (current !== '') segments.push(current);
      current = '';
      const close = path.indexOf(']', index);
      if (close === -1) return [...segments, path.slice(index)];
      const inner = path.slice(index + 1, close).trim();
      segments.push(inner.replace(/^(['"])(.*)\1$/, '$2'));
      index = close + 1;
    } else {
      current += char;
      index += 1;
    }
  }
  if (current !== '') segments.push(current);
  return segments;
}

export function lookupPath(document: unknown, segments: readonly string[]): unknown {
  let value: unknown = document;
  for (const segment of segments) {
    if (Array.isArray(value)) value = value[Number(segment)];
    else if (typeof value === 'object' && value !== null)
      value = readable(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
    else return undefined;
  }
  return value;
}

/**
 * A field of the document: its own property, or a getter of its class (derived documents compute costly
 * parts when read); never what every object inherits (`constructor`, `toString`, `__proto__`).
 */
function readable(value: object, key: string): boolean {
  if (Object.hasOwn(value, key)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (typeof prototype !== 'object' || prototype === null || prototype === Object.prototype) return false;
  return gettersOf(prototype).has(key);
}

const getters = new WeakMap<object, ReadonlySet<string>>();

function gettersOf(prototype: object): ReadonlySet<string> {
  let names = getters.get(prototype);
  if (!names) {
    const descriptors = Object.getOwnPropertyDescriptors(prototype);
    names = new Set(Object.keys(descriptors).filter((name) => descriptors[name]?.get !== undefined));
    getters.set(prototype, names);
  }
  return names;
}

/** How a value reads inside a sentence: scalars bare, lists comma-joined, objects as compact JSON. */
export function quote(value: unknown): string {
  let text: string;
  if (value === undefined || value === null) text = '<unset>';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (Array.isArray(value)) text = value.length === 0 ? '<none>' : value.map((item) => labelOf(item) ?? quote(item)).join(', ');
  else text = JSON.stringify(value);
  return text.length > maxQuoteLength ? `${text.slice(0, maxQuoteLength - 1)}…` : text;
}

/** Lists of objects read best by their name-like field: a volume, an env var, an annotation. */
const labelFields = ['name', 'annotation', 'secretName', 'env', 'volume', 'id', 'text'] as const;
function labelOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const field = labelFields.find((candidate) => typeof record[candidate] === 'string');
  return field === undefined ? undefined : String(record[field]);
}
