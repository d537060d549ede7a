import type { Ajv2020 } from 'ajv/dist/2020.js';
import { PolicyPackError } from '../errors/kubectl-sa-error.js';
import type { RiskFactDeclaration } from '../rbac/risk-facts.js';
import type { FixSpec, JsonSchema, PolicyPackSpec, PolicyRuleSpec, Severity } from './pack-types.js';
import { locateSchemaProblem } from './locate-schema-problem.js';
import { formatValidator, type SchemaValidator } from './precompiled-validators.js';
import { checkTemplate } from './message-template.js';
import { unresolvedPlaceholders } from './placeholder-check.js';
import { isDerivedTarget, derivedTargets } from './derived/target-registry.js';
import { pointerOf, reasonOf } from './schema-errors.js';

/** Where a pack document came from: enough to turn a JSON pointer into file:line. */
export interface PackDocumentSource {
  readonly file: string;
  /** The document's first line. */
  readonly line: number;
  readonly lineOf: (pointer: string) => number | undefined;
  readonly builtIn: boolean;
}

export interface CompileOptions {
  /**
   * Kubernetes kinds a rule may target, as `Kind` and `group/Kind` (the built-in API resources). When
   * given, a target that is neither one of them, a derived document, nor `group/Kind` of a group outside
   * the built-in ones (a custom resource) is an error: a typo would otherwise match nothing, silently.
   */
  readonly knownKinds?: { readonly kinds: ReadonlySet<string>; readonly groups: ReadonlySet<string> };
  /**
   * Validators compiled at build time for this document (a built-in pack, unchanged), by `RULE-ID/match` and
   * `RULE-ID/assert`: the document was checked when they were generated, so nothing is compiled or re-checked.
   */
  readonly precompiled?: ReadonlyMap<string, SchemaValidator>;
  /** The ajv that compiles rule schemas (policy-ajv.ts); needed unless `precompiled` is given. */
  readonly ajv?: Ajv2020;
  /**
   * The ajv that compiles `match` schemas, whose errors nobody reads (policyMatchAjv: stops at the first
   * failed keyword); `ajv` when not given. Schema problems are still found and reported by `ajv`.
   */
  readonly matchAjv?: Ajv2020;
  /** RE2's check of one pattern (policy-ajv.ts), to point at the pattern that broke a compile. */
  readonly patternCompiles?: (pattern: string) => boolean;
  /** The PolicyPack format's validator; the build-time one unless given (the generator compiles its own). */
  readonly packFormat?: SchemaValidator;
  /**
   * The published schema of each derived target, by target name, with its file: when given, every placeholder
   * of a rule's message, explain and remediation must name a field of its target's schema.
   */
  readonly targetSchemas?: ReadonlyMap<string, { readonly file: string; readonly schema: Record<string, unknown> }>;
}

export interface CompiledRule {
  readonly id: string;
  readonly pack: string;
  readonly title: string;
  readonly severity: Severity;
  readonly target: string;
  readonly spec: PolicyRuleSpec;
  readonly match: SchemaValidator | undefined;
  readonly assert: SchemaValidator;
  readonly source: { readonly file: string; readonly line: number };
}

/** A pack's fix, checked: its templates are well formed and its patch changes something. */
export interface CompiledFix {
  readonly id: string;
  readonly pack: string;
  readonly spec: FixSpec;
  readonly source: { readonly file: string; readonly line: number };
  /** The compiled `where` schema of each operation that has one, by operation index. */
  readonly where: ReadonlyMap<number, SchemaValidator>;
}

/** A risk fact as a pack declares it, with where: the RBAC engine evaluates it (`compileRiskFacts`). */
export interface DeclaredFact extends RiskFactDeclaration {
  readonly pack: string;
  readonly source: { readonly file: string; readonly line: number };
}

export interface CompiledPack {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly builtIn: boolean;
  readonly source: { readonly file: string; readonly line: number };
  readonly rules: readonly CompiledRule[];
  readonly fixes: readonly CompiledFix[];
  readonly facts: readonly DeclaredFact[];
}

/**
 * Validates a pack document against the pack format and compiles every rule's `match` and `assert`
 * schema once. Returns all problems at once (each with file:line, JSON pointer and ajv's reason), so a
 * pack author fixes a broken pack in one round. Pure apart from ajv's compile cache.
 */
export function compilePack(
  document: unknown,
  source: PackDocumentSource,
  options: CompileOptions = {},
): { pack?: CompiledPack; errors: PolicyPackError[] } {
  const position = (pointer: string) => ({ file: source.file, line: source.lineOf(pointer) ?? source.line });
  const precompiled = options.precompiled;
  if (precompiled) return { pack: precompiledPack(document as PolicyPackSpec, source, precompiled, position), errors: [] };
  const ajv = options.ajv;
  // Without RE2's check a broken pattern is still reported, at the schema rather than the pattern.
  const patternCompiles = options.patternCompiles ?? (() => true);
  if (!ajv) throw new Error('compilePack: an ajv instance is needed to compile a pack that was not compiled at build time');

  const packValidator = options.packFormat ?? formatValidator('pack');
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
        new PolicyPackError(`rule id ${rule.id} is already used by rule ${earlier}`, {
          position: position(`${base}/id`),
          pointer: `${base}/id`,
        }),
      );
      return;
    }
    seen.set(rule.id, index);
    const targetProblem = options.knownKinds ? unknownTarget(rule.target, options.knownKinds) : undefined;
    if (targetProblem)
      errors.push(new PolicyPackError(`${rule.id}: ${targetProblem}`, { position: position(`${base}/target`), pointer: `${base}/target` }));
    for (const field of ['message', 'explain', 'remediation'] as const) {
      const template = rule[field];
      const problem = template === undefined ? undefined : checkTemplate(template);
      if (problem)
        errors.push(new PolicyPackError(`${rule.id}: ${problem}`, { position: position(`${base}/${field}`), pointer: `${base}/${field}` }));
      const target = options.targetSchemas?.get(rule.target);
      if (problem || template === undefined || !target) continue;
      for (const unresolved of unresolvedPlaceholders(template, target.schema)) {
        errors.push(
          new PolicyPackError(
            `${rule.id}: ${field} placeholder ${unresolved.placeholder} names no field of ${rule.target} (${target.file}): ${unresolved.reason}`,
            {
              position: position(`${base}/${field}`),
              pointer: `${base}/${field}`,
              hint: `it would read <unset> in every finding; kubectl sa policy show --targets lists each target's fields`,
            },
          ),
        );
      }
    }
    const compile = (schema: JsonSchema, pointer: string, compiler = ajv) =>
      compileSchema(ajv, schema, pointer, rule.id, position, errors, patternCompiles, compiler);
    const match = rule.match === undefined ? undefined : compile(rule.match, `${base}/match`, options.matchAjv);
    const assert = compile(rule.assert, `${base}/assert`);
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
  const fixes = compileFixes(spec, position, errors, (schema, pointer, label) =>
    compileSchema(ajv, schema, pointer, label, position, errors, patternCompiles),
  );
  const facts = compileFacts(spec, position, errors);
  if (errors.length > 0) return { errors };
  return {
    pack: {
      name: spec.metadata.name,
      version: spec.metadata.version,
      description: spec.metadata.description ?? '',
      builtIn: source.builtIn,
      source: { file: source.file, line: source.line },
      rules,
      fixes,
      facts,
    },
    errors: [],
  };
}

/** The key of a fix's `where` schema among a built-in pack's build-time validators (scripts/validators-module.ts). */
export function precompiledWhereKey(pointer: string): string {
  return `where:${pointer}`;
}

/** A built-in pack from its build-time validators; the generator checked it as compilePack checks any pack. */
function precompiledPack(
  spec: PolicyPackSpec,
  source: PackDocumentSource,
  validators: ReadonlyMap<string, SchemaValidator>,
  position: (pointer: string) => { file: string; line: number },
): CompiledPack {
  const validator = (key: string) => {
    const found = validators.get(key);
    if (!found) throw new Error(`precompiled validators of pack ${spec.metadata.name} lack ${key}: run npm run build`);
    return found;
  };
  return {
    name: spec.metadata.name,
    version: spec.metadata.version,
    description: spec.metadata.description ?? '',
    builtIn: source.builtIn,
    source: { file: source.file, line: source.line },
    rules: spec.rules.map((rule, index) => ({
      id: rule.id,
      pack: spec.metadata.name,
      title: rule.title,
      severity: rule.severity,
      target: rule.target,
      spec: rule,
      match: rule.match === undefined ? undefined : validator(`${rule.id}/match`),
      assert: validator(`${rule.id}/assert`),
      source: position(`/rules/${index}`),
    })),
    fixes: compileFixes(spec, position, [], (_schema, pointer) => validator(precompiledWhereKey(pointer))),
    facts: compileFacts(spec, position, []),
  };
}

/** The pack's risk facts, with where each is declared; a fact id is unique in its pack (across packs: pack-set.ts). */
function compileFacts(
  spec: PolicyPackSpec,
  position: (pointer: string) => { file: string; line: number },
  errors: PolicyPackError[],
): DeclaredFact[] {
  const facts: DeclaredFact[] = [];
  const indexes = new Map<string, number>();
  (spec.facts ?? []).forEach((fact, index) => {
    const earlier = indexes.get(fact.id);
    if (earlier !== undefined) {
      errors.push(
        new PolicyPackError(`fact id ${fact.id} is already declared by fact ${earlier}`, {
          position: position(`/facts/${index}/id`),
          pointer: `/facts/${index}/id`,
        }),
      );
      return;
    }
    indexes.set(fact.id, index);
    facts.push({ ...fact, pack: spec.metadata.name, source: position(`/facts/${index}`) });
  });
  return facts;
}

/**
 * A fix's id is unique in its pack, its templates are well formed, and it changes something: a patch of
 * `test` operations alone would report every object as fixed without touching it. Whether a rule's `fix`
 * names a fix that exists is checked across packs, where built-in fixes are known (checkFixReferences).
 */
function compileFixes(
  spec: PolicyPackSpec,
  position: (pointer: string) => { file: string; line: number },
  errors: PolicyPackError[],
  compileWhere: (schema: JsonSchema, pointer: string, label: string) => SchemaValidator | undefined,
): CompiledFix[] {
  const fixes: CompiledFix[] = [];
  const seen = new Set<string>();
  (spec.fixes ?? []).forEach((fix, index) => {
    const base = `/fixes/${index}`;
    const problem = (pointer: string, reason: string) =>
      errors.push(new PolicyPackError(`fix ${fix.id}: ${reason}`, { position: position(pointer), pointer }));
    if (seen.has(fix.id)) problem(`${base}/id`, 'the id is already used by another fix of this pack');
    seen.add(fix.id);
    const patch = fix.patch ?? [];
    if (fix.command === undefined && patch.every((operation) => operation.op === 'test') && (fix.creates ?? []).length === 0)
      problem(`${base}/patch`, 'the patch only tests: it must change something');
    const where = new Map<number, SchemaValidator>();
    patch.forEach((operation, at) => {
      for (const [field, text] of templateStrings(operation)) {
        const templateProblem = checkTemplate(text);
        if (templateProblem) problem(`${base}/patch/${at}/${field}`, templateProblem);
      }
      for (const field of ['path', 'from'] as const) {
        const pointer = operation[field];
        if (pointer !== undefined && pointer !== '' && !pointer.startsWith('/') && !pointer.startsWith('{{'))
          problem(`${base}/patch/${at}/${field}`, `${JSON.stringify(pointer)} is not a JSON pointer: it must start with /`);
      }
      if (operation.where !== undefined && operation.each === undefined)
        problem(`${base}/patch/${at}/where`, '`where` filters the items of `each`, which is missing');
      if (operation.where !== undefined) {
        const validate = compileWhere(operation.where, `${base}/patch/${at}/where`, `fix ${fix.id}`);
        if (validate) where.set(at, validate);
      }
    });
    (fix.creates ?? []).forEach((object, at) => {
      for (const [field, text] of templateStrings({ op: 'add', path: '', value: object })) {
        const templateProblem = checkTemplate(text);
        if (templateProblem) problem(`${base}/creates/${at}${field.slice('value'.length)}`, templateProblem);
      }
    });
    fixes.push({ id: fix.id, pack: spec.metadata.name, spec: fix, source: position(base), where });
  });
  return fixes;
}

/** Every string of an operation that may hold placeholders, with the field (or value pointer) it sits at. */
function* templateStrings(operation: NonNullable<FixSpec['patch']>[number]): Generator<[string, string]> {
  yield ['path', operation.path];
  if (operation.from !== undefined) yield ['from', operation.from];
  const walk = function* (value: unknown, pointer: string): Generator<[string, string]> {
    if (typeof value === 'string') yield [pointer, value];
    else if (Array.isArray(value)) for (const [index, item] of value.entries()) yield* walk(item, `${pointer}/${index}`);
    else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) yield* walk(item, `${pointer}/${key}`);
  };
  yield* walk(operation.value, 'value');
}

function compileSchema(
  ajv: Ajv2020,
  schema: JsonSchema,
  pointer: string,
  ruleId: string,
  position: (pointer: string) => { file: string; line: number },
  errors: PolicyPackError[],
  patternCompiles: (pattern: string) => boolean,
  compiler: Ajv2020 = ajv,
): SchemaValidator | undefined {
  // The meta-schema check first: its errors carry a path inside the schema, which becomes a line.
  if (!ajv.validateSchema(schema as Record<string, unknown>)) {
    for (const error of ajv.errors ?? []) {
      const at = pointer + error.instancePath;
      errors.push(new PolicyPackError(`${ruleId}: invalid JSON Schema: ${reasonOf(error)}`, { position: position(at), pointer: at }));
    }
    return undefined;
  }
  try {
    return compiler.compile(schema as Record<string, unknown>);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const at = pointer + (locateSchemaProblem(schema, reason, patternCompiles) ?? '');
    errors.push(
      new PolicyPackError(`${ruleId}: schema does not compile in ajv strict mode: ${reason}`, {
        position: position(at),
        pointer: at,
        cause: error,
        hint: 'patterns use RE2 syntax (no backreferences or lookaround); formats and unknown keywords are not allowed',
      }),
    );
    return undefined;
  }
}

/** Why a rule's target names nothing a scan could judge, or undefined when it is fine. */
function unknownTarget(target: string, known: NonNullable<CompileOptions['knownKinds']>): string | undefined {
  if (isDerivedTarget(target) || known.kinds.has(target)) return undefined;
  const slash = target.indexOf('/');
  // group/Kind of a group Kubernetes does not serve itself: a custom resource, which the input may hold.
  if (slash > 0 && !known.groups.has(target.slice(0, slash))) return undefined;
  const kind = target.slice(slash + 1).toLowerCase();
  const near = [...derivedTargets, ...known.kinds].filter((candidate) =>
    closeTo(candidate.slice(candidate.indexOf('/') + 1).toLowerCase(), kind),
  );
  return (
    `unknown target "${target}": not a derived document (${derivedTargets.join(', ')}) nor a Kubernetes kind` +
    (near.length > 0
      ? `; did you mean ${[...new Set(near)].slice(0, 3).join(' or ')}?`
      : '; a custom resource is named group/Kind, e.g. monitoring.coreos.com/Prometheus')
  );
}

/** At most two single-character edits apart: enough for typos, not for different words. */
function closeTo(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return (previous[b.length] ?? 99) <= 2;
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
