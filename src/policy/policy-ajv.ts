import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import { RE2JS } from 're2js';

/**
 * ajv's hook for pattern and patternProperties. Packs are untrusted input, so their regexes run on RE2
 * (linear time, no backreferences or lookaround) instead of V8's backtracking engine: a hostile
 * `(a+)+$` cannot stall a scan. RE2 syntax errors surface as schema compile errors.
 */
function re2RegExp(pattern: string): { test: (input: string) => boolean; toString: () => string } {
  const compiled = RE2JS.compile(pattern);
  // ajv caches compiled patterns under `String(regExp)`: without a distinct toString every pattern of a
  // schema would share the first one's matcher.
  return { test: (input: string) => compiled.test(input), toString: () => `/${pattern}/` };
}
re2RegExp.code = 'require("re2js").RE2JS.compile';

/**
 * The ajv configuration every pack schema compiles with: strict (unknown keywords, unknown formats,
 * ambiguous types and tuples are errors, not silent no-ops), all errors (so explanations can name every
 * failed part), and RE2 regexes. `strictRequired` is off: `required: [x]` without `properties.x` is the
 * usual way to say "x must be set" and forbidding it helps nobody.
 */
export const policyAjvOptions: Options = {
  strict: true,
  strictRequired: false,
  allErrors: true,
  allowUnionTypes: true,
  code: { regExp: re2RegExp },
  validateFormats: true,
};

export function createPolicyAjv(): Ajv2020 {
  return new Ajv2020(policyAjvOptions);
}
