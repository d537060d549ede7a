import type { ErrorObject } from 'ajv/dist/2020.js';
import { lookupPath, quote } from './message-template.js';

/** One failed part of a target: ajv's keyword and instance path, and a sentence a user can act on. */
export interface FailureDetail {
  readonly keyword: string;
  /** ajv's JSON pointer into the target document. */
  readonly instancePath: string;
  /** The same place as users know it, e.g. `spec.template.spec.automountServiceAccountToken`. */
  readonly path: string;
  readonly text: string;
}

export interface ExplainContext {
  readonly document: unknown;
  /** For Workload documents: where the pod spec sits in the real object (`spec.template.spec`). */
  readonly podSpecPath?: string | undefined;
}

/**
 * Turns ajv's errors into sentences such as "spec.template.spec.automountServiceAccountToken is unset".
 * Branch errors under anyOf/oneOf are folded into one line: with allErrors they would list every
 * alternative's failure, which reads as noise.
 */
export function explainErrors(errors: readonly ErrorObject[], context: ExplainContext): FailureDetail[] {
  const combinators = errors.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf').map((error) => error.schemaPath);
  const details: FailureDetail[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if') continue; // its `then`/`else` error says what failed
    if (combinators.some((prefix) => error.schemaPath !== prefix && error.schemaPath.startsWith(`${prefix}/`))) continue;
    const detail = explainError(error, context);
    const key = `${detail.instancePath}\u0000${detail.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push(detail);
  }
  return details;
}

function explainError(error: ErrorObject, context: ExplainContext): FailureDetail {
  const segments = pointerSegments(error.instancePath);
  const actual = lookupPath(context.document, segments);
  const path = readablePath(segments, context);
  const params = error.params as Record<string, unknown>;
  const subject = path === '' ? 'the object' : path;
  let text: string;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const full = readablePath([...segments, missing], context);
      return { keyword: error.keyword, instancePath: `${error.instancePath}/${missing}`, path: full, text: `${full} is unset` };
    }
    case 'const':
      text = `${subject} is ${describe(actual)}, expected ${quote(params.allowedValue)}`;
      break;
    case 'enum':
      text = `${subject} is ${describe(actual)}, expected one of ${(params.allowedValues as unknown[]).map((value) => quote(value)).join(', ')}`;
      break;
    case 'type':
      text = `${subject} is ${describe(actual)}, expected a ${String(params.type)}`;
      break;
    case 'maximum':
    case 'exclusiveMaximum':
      text = `${subject} is ${describe(actual)}, above the limit of ${String(params.limit)}`;
      break;
    case 'minimum':
    case 'exclusiveMinimum':
      text = `${subject} is ${describe(actual)}, below the minimum of ${String(params.limit)}`;
      break;
    case 'maxItems':
      text = `${subject} has ${Array.isArray(actual) ? actual.length : '?'} items (${quote(actual)}), at most ${String(params.limit)} allowed`;
      break;
    case 'minItems':
      text = `${subject} has ${Array.isArray(actual) ? actual.length : '?'} items, at least ${String(params.limit)} required`;
      break;
    case 'maxLength':
    case 'minLength':
      text = `${subject} is ${describe(actual)}, ${error.message ?? 'of the wrong length'}`;
      break;
    case 'pattern':
      text = `${subject} is ${describe(actual)}, which does not match ${String(params.pattern)}`;
      break;
    case 'not':
      text = `${subject} is ${describe(actual)}, which the rule forbids`;
      break;
    case 'contains':
      text = `${subject} has no item the rule requires (${quote(actual)})`;
      break;
    case 'false schema':
      text = path === '' ? 'the rule forbids this object' : `${subject} is present (${describe(actual)}) but must not be`;
      break;
    case 'additionalProperties':
      text = `${subject} has the field ${String(params.additionalProperty)}, which the rule forbids`;
      break;
    case 'anyOf':
    case 'oneOf':
      text = `${subject} matches none of the allowed alternatives`;
      break;
    default:
      text = `${subject} ${error.message ?? `fails ${error.keyword}`}`;
  }
  return { keyword: error.keyword, instancePath: error.instancePath, path, text };
}

function describe(value: unknown): string {
  if (value === undefined) return 'unset';
  if (typeof value === 'string') return JSON.stringify(value.length > 120 ? `${value.slice(0, 119)}…` : value);
  return quote(value);
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * A pointer as users read it: `spec.containers[0].env`. In a Workload document the pod spec is shown
 * where it really is in the object (`spec.template.spec…`), so users can find it in their file.
 */
export function readablePath(segments: readonly string[], context: ExplainContext): string {
  let out = '';
  let rest = segments;
  if (context.podSpecPath !== undefined && segments[0] === 'podSpec') {
    out = context.podSpecPath;
    rest = segments.slice(1);
  }
  for (const segment of rest) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `['${segment}']`;
  }
  return out;
}
