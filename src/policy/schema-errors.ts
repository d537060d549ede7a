import type { ErrorObject } from 'ajv/dist/2020.js';
import { PolicyPackError } from '../errors/kubectl-sa-error.js';
import type { SchemaValidator } from './precompiled-validators.js';

/** A document read from a policy-related file, able to name the line of a JSON pointer. */
export interface PositionedDocument {
  readonly value: unknown;
  readonly file: string;
  readonly line: number;
  readonly lineOf: (pointer: string) => number | undefined;
}

/**
 * Validates a file's document against a format schema and turns ajv's errors into PolicyPackErrors with
 * file:line, the pointer and the reason, one per distinct problem.
 */
export function formatErrors(validate: SchemaValidator, document: PositionedDocument, what: string): PolicyPackError[] {
  if (validate(document.value)) return [];
  const seen = new Set<string>();
  const errors: PolicyPackError[] = [];
  for (const error of validate.errors ?? []) {
    const pointer = pointerOf(error);
    const reason = `does not match the ${what} format: ${reasonOf(error)}`;
    const key = `${pointer}\u0000${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(
      new PolicyPackError(reason, { position: { file: document.file, line: document.lineOf(pointer) ?? document.line }, pointer }),
    );
  }
  return errors;
}

/** The pointer of the offending value: for an extra property, the property itself. */
export function pointerOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return `${error.instancePath}/${String(error.params.additionalProperty)}`;
  return error.instancePath;
}

export function reasonOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown field "${String(error.params.additionalProperty)}"`;
    case 'required':
      return `missing required field "${String(error.params.missingProperty)}"`;
    case 'enum':
      return `${error.message ?? 'invalid value'}: ${(error.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(error.params.allowedValue)}`;
    default:
      return error.message ?? error.keyword;
  }
}
