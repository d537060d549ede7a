/**
 * ajv's compile errors name the problem but not always where it is: an unknown keyword or a bad regex
 * is reported for the whole `assert`. Pack authors need the line, so this walks the schema the way JSON
 * Schema 2020-12 nests subschemas and returns the JSON pointer (relative to the schema) of the part the
 * message is about; undefined when it cannot tell.
 */
export function locateSchemaProblem(schema: unknown, message: string, compiles: (pattern: string) => boolean): string | undefined {
  const at = /\bat "#(\/[^"]*)"/.exec(message);
  if (at?.[1] !== undefined) return at[1];
  const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
  if (keyword !== undefined) return find(schema, '', (node) => (Object.hasOwn(node, keyword) ? `/${escape(keyword)}` : undefined));
  // Regex errors from RE2: find the first pattern (or patternProperties key) that does not compile (`compiles`
  // is RE2's own check, passed in so that RE2 is loaded only with the compiler).
  return find(schema, '', (node) => {
    if (typeof node.pattern === 'string' && !compiles(node.pattern)) return '/pattern';
    if (isObject(node.patternProperties)) {
      const bad = Object.keys(node.patternProperties).find((pattern) => !compiles(pattern));
      if (bad !== undefined) return `/patternProperties/${escape(bad)}`;
    }
    return undefined;
  });
}

/** Keywords whose value is a map of name → subschema. */
const schemaMaps = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is a subschema. */
const schemaValues = new Set([
  'not',
  'if',
  'then',
  'else',
  'items',
  'contains',
  'additionalProperties',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'additionalItems',
]);
/** Keywords whose value is a list of subschemas. */
const schemaLists = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);

function find(node: unknown, pointer: string, test: (node: Record<string, unknown>) => string | undefined): string | undefined {
  if (!isObject(node)) return undefined;
  const here = test(node);
  if (here !== undefined) return pointer + here;
  for (const [key, value] of Object.entries(node)) {
    const base = `${pointer}/${escape(key)}`;
    let found: string | undefined;
    if (schemaMaps.has(key) && isObject(value)) {
      for (const [name, subschema] of Object.entries(value)) {
        found = find(subschema, `${base}/${escape(name)}`, test);
        if (found !== undefined) break;
      }
    } else if (schemaValues.has(key)) found = find(value, base, test);
    else if (schemaLists.has(key) && Array.isArray(value)) {
      for (const [index, subschema] of value.entries()) {
        found = find(subschema, `${base}/${index}`, test);
        if (found !== undefined) break;
      }
    }
    if (found !== undefined) return found;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
