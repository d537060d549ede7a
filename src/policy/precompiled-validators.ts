/**
 * Validators compiled at build time (ajv standalone code, scripts/validators-module.ts →
 * built-in-validators.generated.ts, rewritten by `npm run build` and checked current by a test): the file
 * formats (PolicyPack, PolicyPackTest, Exemptions) and every rule of the built-in packs. A scan with the
 * built-in packs compiles no schema and never loads ajv's compiler; a user's pack compiles on load.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import * as generated from './built-in-validators.generated.js';
import { packDigest } from './pack-digest.js';

/** A compiled JSON Schema: true when the data is valid, else `errors` says why (ajv's error objects). */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export type FormatName = keyof typeof generated.formats;

export function formatValidator(name: FormatName): SchemaValidator {
  return generated.formats[name] as unknown as SchemaValidator;
}

/**
 * The build-time validators of a pack document, by `RULE-ID/match` and `RULE-ID/assert`, when the document
 * is exactly a built-in pack they were compiled from; undefined otherwise (then it compiles as any pack).
 */
export function precompiledRules(value: unknown): ReadonlyMap<string, SchemaValidator> | undefined {
  const digest = packDigest(value);
  const found = generated.packs.find((pack) => pack.digest === digest);
  return found ? new Map(Object.entries(found.rules as unknown as Record<string, SchemaValidator>)) : undefined;
}
