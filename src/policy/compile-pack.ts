import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { PolicyPackError } from '../errors/kubectl-sa-error.js';
import { packSchema } from './pack-schema.js';
import type { JsonSchema, PolicyPackSpec, PolicyRuleSpec, Severity } from './pack-types.js';
import { createPolicyAjv } from './policy-ajv.js';
import { pointerOf, reasonOf } from './schema-errors.js';

/** Where a pack document came from: enough to turn a JSON pointer into file:line. */
export interface PackDocumentSource {
  readonly file: string;
  /** The document's first line. */
  readonly line: number;
  readonly lineOf: (pointer: string) => number | undefined;
  readonly builtIn: boolean;
}

export interface CompiledRule {
  readonly id: string;
  readonly pack: string;
  readonly title: string;
  readonly severity: Severity;
  readonly target: string;
  readonly spec: PolicyRuleSpec;
  readonly match: ValidateFunction | undefined;
  readonly assert: ValidateFunction;
  readonly source: { readonly file: string; readonly line: number };
}

export interface CompiledPack {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly builtIn: boolean;
  readonly source: { readonly file: string; readonly line: number };
  readonly rules: readonly CompiledRule[];
}

let sharedAjv: Ajv2020 | undefined;
let packValidator: ValidateFunction | undefined;

/** One ajv for the process: compiled schemas are cached by it, and creating one costs more than a pack. */
export function policyAjv(): Ajv2020 {
  sharedAjv ??= createPolicyAjv();
  return sharedAjv;
}

/**
 * Validates a pack document against the pack format and compiles every rule's `match` and `assert`
 * schema once. Returns all problems at once (each with file:line, JSON pointer and ajv's reason), so a
 * pack author fixes a broken pack in one round. Pure apart from ajv's compile cache.
 */
export function compilePack(document: unknown, source: PackDocumentSource): { pack?: CompiledPack; errors: PolicyPackError[] } {
  const ajv = policyAjv();
  packValidator ??= ajv.compile(packSchema as unknown as Record<string, unknown>);
  const position = (pointer: string) => ({ file: source.file, line: source.lineOf(pointer) ?? source.line });

  if (!packValidator(document)) {
    const errors = (packValidator.errors ?? []).map((error) => {
      const pointer = pointerOf(error);
      return new PolicyPackError(`does not match the PolicyPack format: ${reasonOf(error)}`, { position: position(pointer), pointer });
    });
    return { errors: dropRedundant(errors) };
  }

  const spec = document as PolicyPackSpec;
  const errors: PolicyPackError[] = [];
  const rules: CompiledRule[] = [];
  const seen = new Map<string, number>();
  spec.rules.forEach((rule, index) => {
    const base = `/rules/${index}`;
    const earlier = seen.get(rule.id);
    if (earlier !== undefined) {
      errors.push(
        new PolicyPackError(`rule id ${rule.id} is already used by rule ${earlier}`, { position: position(`${base}/id`), pointer: `${base}/id` }),
      );
      return;
    }
    seen.set(rule.id, index);
    const match = rule.match === undefined ? undefined : compileSchema(ajv, rule.match, `${base}/match`, rule.id, position, errors);
    const assert = compileSchema(ajv, rule.assert, `${base}/assert`, rule.id, position, errors);
    if (!assert || (rule.match !== undefined && !match)) return;
    rules.push({
      id: rule.id,
      pack: spec.metadata.name,
      title: rule.title,
      severity: rule.severity,
      target: rule.target,
      spec: rule,
      match,
      assert,
      source: position(base),
    });
  });
  if (errors.length > 0) return { errors };
  return {
    pack: {
      name: spec.metadata.name,
      version: spec.metadata.version,
      description: spec.metadata.description ?? '',
      builtIn: source.builtIn,
      source: { file: source.file, line: source.line },
      rules,
    },
    errors: [],
  };
}

function compileSchema(
  ajv: Ajv2020,
  schema: JsonSchema,
  pointer: string,
  ruleId: string,
  position: (pointer: string) => { file: string; line: number },
  errors: PolicyPackError[],
): ValidateFunction | undefined {
  // The meta-schema check first: its errors carry a path inside the schema, which becomes a line.
  if (!ajv.validateSchema(schema as Record<string, unknown>)) {
    for (const error of ajv.errors ?? []) {
      const at = pointer + error.instancePath;
      errors.push(new PolicyPackError(`${ruleId}: invalid JSON Schema: ${reasonOf(error)}`, { position: position(at), pointer: at }));
    }
    return undefined;
  }
  try {
    return ajv.compile(schema as Record<string, unknown>);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    errors.push(
      new PolicyPackError(`${ruleId}: schema does not compile in ajv strict mode: ${reason}`, {
        position: position(pointer),
        pointer,
        cause: error,
        hint: 'patterns use RE2 syntax (no backreferences or lookaround); formats and unknown keywords are not allowed',
      }),
    );
    return undefined;
  }
}

/** ajv with allErrors reports each failed branch of a union; keep one message per pointer. */
function dropRedundant(errors: PolicyPackError[]): PolicyPackError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.pointer}\u0000${error.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
