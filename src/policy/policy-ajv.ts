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

/**
 * For a rule's `match`: the same options, but ajv stops at the first failed keyword. Nobody reads a match's
 * errors (it only says whether the rule applies), and with all errors every target a rule does not apply to
 * made one error object per failed keyword: 59 MB of them in a dense 10k scan. The verdict is the same.
 */
export const matchAjvOptions: Options = { ...policyAjvOptions, allErrors: false };

export interface PolicyAjvOptions {
  /** Keep the generated code, for ajv's standalone export (the build's validator generator). */
  readonly standalone?: boolean;
  /** Compile for a verdict only (matchAjvOptions): for `match` schemas. */
  readonly verdictOnly?: boolean;
}

export function createPolicyAjv(options: PolicyAjvOptions = {}): Ajv2020 {
  const base = options.verdictOnly ? matchAjvOptions : policyAjvOptions;
  if (!options.standalone) return new Ajv2020(base);
  return new Ajv2020({ ...base, code: { ...base.code, source: true } });
}

let shared: Ajv2020 | undefined;
let sharedVerdictOnly: Ajv2020 | undefined;

/** One ajv for the process: compiled schemas are cached by it, and creating one costs more than a pack. */
export function policyAjv(): Ajv2020 {
  shared ??= createPolicyAjv();
  return shared;
}

/** The process's ajv for `match` schemas (matchAjvOptions). */
export function policyMatchAjv(): Ajv2020 {
  sharedVerdictOnly ??= createPolicyAjv({ verdictOnly: true });
  return sharedVerdictOnly;
}
