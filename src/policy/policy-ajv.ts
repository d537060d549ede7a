import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import { re2RegExp } from './re2-regexp.js';

export { re2Compiles } from './re2-regexp.js';

/**
 * The ajv configuration every pack schema compiles with: strict (unknown keywords, unknown formats,
 * ambiguous types and tuples are errors, not silent no-ops), all errors (so explanations can name every
 * failed part), and RE2 regexes. `strictRequired` is off: `required: [x]` without `properties.x` is the
 * usual way to say "x must be set" and forbidding it helps nobody.
 *
 * This module is loaded only when a schema must be compiled at run time (a user's pack): the built-in
 * packs and the file formats are compiled at build time (precompiled-validators.ts).
 */
export const policyAjvOptions: Options = {
  strict: true,
  strictRequired: false,
  allErrors: true,
  allowUnionTypes: true,
  code: { regExp: re2RegExp },
  validateFormats: true,
};

/** `standalone`: keep the generated code, for ajv's standalone export (the build's validator generator). */
export function createPolicyAjv(options: { readonly standalone?: boolean } = {}): Ajv2020 {
  if (!options.standalone) return new Ajv2020(policyAjvOptions);
  return new Ajv2020({ ...policyAjvOptions, code: { ...policyAjvOptions.code, source: true } });
}

let shared: Ajv2020 | undefined;

/** One ajv for the process: compiled schemas are cached by it, and creating one costs more than a pack. */
export function policyAjv(): Ajv2020 {
  shared ??= createPolicyAjv();
  return shared;
}
