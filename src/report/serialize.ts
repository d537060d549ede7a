import { dump } from 'js-yaml';

/** JSON as users diff it: two-space indent, trailing newline. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** YAML as kubectl prints it: block style, no line folding, keys in the order given. */
export function toYaml(value: unknown): string {
  return dump(value, yamlOptions);
}

const yamlOptions = { lineWidth: -1, noRefs: true };

/**
 * `toJson(value)` in pieces, for a document too large to hold whole beside the data it is made from (the
 * usage of a GiB of audit log is about 100 MB of JSON; one string of it, its builder's copies and the bytes
 * written took 400 MB more): a list in the document's objects (the top one and those nested in it) comes an
 * item at a time. The pieces joined are exactly `toJson(value)`.
 */
export function* toJsonPieces(value: unknown): Generator<string> {
  if (Array.isArray(value)) yield* jsonListPieces(value, '');
  else if (isPlainRecord(value)) yield* jsonObjectPieces(value, '');
  else yield JSON.stringify(value, null, 2) ?? 'undefined';
  yield '\n';
}

function* jsonObjectPieces(record: Record<string, unknown>, indent: string): Generator<string> {
  const inner = `${indent}  `;
  let first = true;
  for (const [key, property] of Object.entries(record)) {
    const nested = Array.isArray(property) || isPlainRecord(property);
    const whole = nested ? undefined : JSON.stringify(property, null, 2);
    // JSON leaves out a property it cannot write (undefined, a function).
    if (whole === undefined && !nested) continue;
    yield `${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `;
    first = false;
    if (Array.isArray(property)) yield* jsonListPieces(property, inner);
    else if (whole === undefined) yield* jsonObjectPieces(property as Record<string, unknown>, inner);
    else yield indented(whole, inner);
  }
  yield first ? '{}' : `\n${indent}}`;
}

/** A list as JSON.stringify(list, null, 2) writes it at `indent`, an item at a time. */
function* jsonListPieces(list: readonly unknown[], indent: string): Generator<string> {
  if (list.length === 0) {
    yield '[]';
    return;
  }
  const itemIndent = `${indent}  `;
  for (let index = 0; index < list.length; index++) {
    // JSON writes null for what it cannot write in a list (undefined, a function).
    const item = JSON.stringify(list[index], null, 2) ?? 'null';
    yield `${index === 0 ? '[\n' : ',\n'}${itemIndent}${indented(item, itemIndent)}`;
  }
  yield `\n${indent}]`;
}

/** JSON text moved right by `indent`: a string value never holds a raw line break, so every one is layout. */
function indented(text: string, indent: string): string {
  return text.includes('\n') ? text.replaceAll('\n', `\n${indent}`) : text;
}

/**
 * `toYaml(value)` in pieces (see toJsonPieces): each entry of the document's mappings on its own, and a list
 * an item at a time. Each piece is js-yaml's own text of the entry or item wrapped in the keys above it, less
 * the lines of those keys already written: js-yaml lays out an entry without looking at its siblings, and
 * with no line folding (lineWidth -1) nothing depends on where a piece starts, so the pieces joined are
 * exactly `toYaml(value)`.
 */
export function* toYamlPieces(value: unknown): Generator<string> {
  if (!isPlainRecord(value) || !hasYamlEntry(value)) {
    yield toYaml(value);
    return;
  }
  const written = { keyLines: 0 };
  yield* yamlEntryPieces(value, [], written);
}

function* yamlEntryPieces(record: Record<string, unknown>, path: readonly string[], written: { keyLines: number }): Generator<string> {
  /** js-yaml's text of `{ key: inner }` under the keys of `path`, less its first `cut` lines (key lines written already). */
  const piece = (key: string, inner: unknown, cut: number): string => {
    const text = dump(
      path.reduceRight<unknown>((wrapped, outer) => ({ [outer]: wrapped }), { [key]: inner }),
      yamlOptions,
    );
    let start = 0;
    for (let line = cut; line > 0; line--) start = text.indexOf('\n', start) + 1;
    return text.slice(start);
  };
  for (const [key, property] of Object.entries(record)) {
    // js-yaml leaves out an undefined value (and throws on a function, here as for the whole).
    if (property === undefined) continue;
    const above = Math.min(written.keyLines, path.length);
    if (plainKey.test(key) && isPlainRecord(property) && hasYamlEntry(property)) {
      written.keyLines = above;
      yield* yamlEntryPieces(property, [...path, key], written);
    } else if (plainKey.test(key) && Array.isArray(property) && property.length > 1) {
      // The first item brings the list's key line; the others come without it.
      for (let index = 0; index < property.length; index++) yield piece(key, [property[index]], index === 0 ? above : path.length + 1);
    } else {
      yield piece(key, property, above);
    }
    written.keyLines = path.length;
  }
}

/** A key js-yaml writes bare, on a line of its own above its mapping or list. */
const plainKey = /^[A-Za-z][A-Za-z0-9]*$/;

function hasYamlEntry(record: Record<string, unknown>): boolean {
  return Object.values(record).some((property) => property !== undefined);
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
