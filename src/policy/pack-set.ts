import type { InputError } from '../errors/kubectl-sa-error.js';
import { InputErrors, PolicyPackError, UsageError } from '../errors/kubectl-sa-error.js';
import { isRecord } from '../inventory/kube-object.js';
import type { ApiResource } from '../rbac/resource-table.js';
import { compilePack, type CompileOptions, type CompiledPack, type DeclaredFact } from './compile-pack.js';
import { parseExemptions } from './exemptions-file.js';
import type { Exemption } from './exemptions.js';
import { parsePackTestSuite, type PackTestSuite } from './pack-tests.js';
import { precompiledRules } from './precompiled-validators.js';
import type { PositionedDocument } from './schema-errors.js';

/**
 * The packs of a run, from documents a source read (sources/policy-files.ts): validated, compiled, checked for
 * clashing names and ids, and narrowed by `--only-pack`/`--skip-rule`. Pure: src/app/load-policies.ts reads.
 */

/** The documents of one `--policy` path, or of the built-in packs. */
export interface PolicySource {
  readonly documents: readonly PositionedDocument[];
  readonly builtIn: boolean;
}

export interface PackSelection {
  /** `--only-pack`: keep only these packs (by metadata.name). */
  readonly onlyPacks?: readonly string[] | undefined;
  /** `--skip-rule`: drop these rule ids. */
  readonly skipRules?: readonly string[] | undefined;
  /** The kinds a rule may target (`knownKindsOf` the API resource table). */
  readonly knownKinds: NonNullable<CompileOptions['knownKinds']>;
  /** The derived targets' published schemas: placeholders of packs compiled here must name their fields. */
  readonly targetSchemas?: CompileOptions['targetSchemas'];
}

export interface LoadedPolicies {
  readonly packs: readonly CompiledPack[];
  readonly tests: readonly PackTestSuite[];
  /**
   * The risk facts every compiled pack declares (also of packs `--only-pack` leaves out): facts are
   * definitions, not checks, and a custom rule on `secrets-read` must not go quiet because the rules of
   * the pack that declares it were left out. src/app/load-policies.ts adds the built-in packs' facts when
   * those packs are not loaded at all (`--no-builtin`).
   */
  readonly facts: readonly DeclaredFact[];
}

/**
 * Compiles every pack and pack test of the sources. Every problem of the run, the sources' own reading errors
 * included, is thrown together (InputErrors, exit 2).
 */
export async function compilePackSet(
  sources: readonly PolicySource[],
  options: PackSelection,
  readErrors: readonly InputError[] = [],
): Promise<LoadedPolicies> {
  const errors: InputError[] = [...readErrors];
  const packs: CompiledPack[] = [];
  const tests: PackTestSuite[] = [];
  let compileOptions: CompileOptions | undefined;
  // Built-in packs come compiled from the build; ajv's compiler is loaded only for a pack that is not.
  const optionsFor = async (value: unknown, builtIn: boolean): Promise<CompileOptions> => {
    const precompiled = builtIn ? precompiledRules(value) : undefined;
    if (precompiled) return { precompiled };
    if (!compileOptions) {
      const compiler = await import('./policy-ajv.js');
      compileOptions = {
        knownKinds: options.knownKinds,
        ajv: compiler.policyAjv(),
        matchAjv: compiler.policyMatchAjv(),
        patternCompiles: compiler.re2Compiles,
        ...(options.targetSchemas ? { targetSchemas: options.targetSchemas } : {}),
      };
    }
    return compileOptions;
  };
  for (const source of sources) {
    for (const document of source.documents) {
      const kind = isRecord(document.value) ? document.value.kind : undefined;
      if (kind === 'PolicyPackTest') {
        const parsed = parsePackTestSuite(document);
        if (parsed.suite) tests.push(parsed.suite);
        errors.push(...parsed.errors);
        continue;
      }
      if (kind !== 'PolicyPack') {
        errors.push(
          new PolicyPackError(`not a policy pack: expected kind PolicyPack (or PolicyPackTest), found ${JSON.stringify(kind ?? null)}`, {
            position: { file: document.file, line: document.line },
            pointer: '/kind',
          }),
        );
        continue;
      }
      const compiled = compilePack(
        document.value,
        { ...document, builtIn: source.builtIn },
        await optionsFor(document.value, source.builtIn),
      );
      errors.push(...compiled.errors);
      if (compiled.pack) packs.push(compiled.pack);
    }
  }
  errors.push(...duplicateProblems(packs));
  if (errors.length > 0) throw new InputErrors(errors);
  const facts = withFacts(
    [],
    packs.flatMap((pack) => pack.facts),
  );
  return { packs: selectPacks(packs, options), tests, facts };
}

/**
 * `facts` and then `more`, except those of a pack `facts` already has a fact from (the built-in packs read
 * again from a folder); a fact id two packs declare is an error (exit 2): ids are global.
 */
export function withFacts(facts: readonly DeclaredFact[], more: readonly DeclaredFact[]): DeclaredFact[] {
  const packs = new Set(facts.map((fact) => fact.pack));
  const all = [...facts, ...more.filter((fact) => !packs.has(fact.pack))];
  const problems: InputError[] = [];
  const seen = new Map<string, DeclaredFact>();
  for (const fact of all) {
    const earlier = seen.get(fact.id);
    if (!earlier) seen.set(fact.id, fact);
    else if (earlier.pack !== fact.pack) {
      problems.push(
        new PolicyPackError(
          `fact id ${fact.id} is already declared by pack ${earlier.pack} (${earlier.source.file}:${earlier.source.line})`,
          {
            position: fact.source,
            pointer: '/facts',
            hint: 'fact ids are global: give custom facts their own names, e.g. acme-vault-read',
          },
        ),
      );
    }
  }
  if (problems.length > 0) throw new InputErrors(problems);
  return all;
}

/** The kinds Kubernetes serves itself (its discovery data), for checking rule targets. */
export function knownKindsOf(resources: readonly ApiResource[]): NonNullable<CompileOptions['knownKinds']> {
  const kinds = new Set<string>();
  const groups = new Set<string>();
  for (const resource of resources) {
    kinds.add(resource.group === '' ? resource.kind : `${resource.group}/${resource.kind}`);
    if (resource.group === '') continue;
    groups.add(resource.group);
    kinds.add(resource.kind);
  }
  return { kinds, groups };
}

function duplicateProblems(packs: readonly CompiledPack[]): InputError[] {
  const problems: InputError[] = [];
  const packNames = new Map<string, CompiledPack>();
  const ruleIds = new Map<string, CompiledPack>();
  for (const pack of packs) {
    const earlier = packNames.get(pack.name);
    if (earlier) {
      problems.push(
        new PolicyPackError(`pack name ${pack.name} is already used by ${earlier.source.file}:${earlier.source.line}`, {
          position: pack.source,
          pointer: '/metadata/name',
        }),
      );
      continue;
    }
    packNames.set(pack.name, pack);
    for (const rule of pack.rules) {
      const owner = ruleIds.get(rule.id);
      if (owner) {
        problems.push(
          new PolicyPackError(`rule id ${rule.id} is already defined by pack ${owner.name} (${owner.source.file})`, {
            position: rule.source,
            pointer: '/id',
            hint: 'rule ids are global: give custom rules their own prefix, e.g. ACME001',
          }),
        );
      } else ruleIds.set(rule.id, pack);
    }
  }
  return problems;
}

function selectPacks(packs: readonly CompiledPack[], options: PackSelection): CompiledPack[] {
  const only = options.onlyPacks ?? [];
  const skip = new Set(options.skipRules ?? []);
  const known = new Set(packs.map((pack) => pack.name));
  const unknownPacks = only.filter((name) => !known.has(name));
  if (unknownPacks.length > 0) {
    throw new UsageError(`--only-pack: no pack named ${unknownPacks.join(', ')}`, { hint: `known packs: ${[...known].join(', ')}` });
  }
  const knownRules = new Set(packs.flatMap((pack) => pack.rules.map((rule) => rule.id)));
  const unknownRules = [...skip].filter((id) => !knownRules.has(id));
  if (unknownRules.length > 0) {
    throw new UsageError(`--skip-rule: no rule with id ${unknownRules.join(', ')}`, { hint: 'list rules with: kubectl sa policy list' });
  }
  return packs
    .filter((pack) => only.length === 0 || only.includes(pack.name))
    .map((pack) => ({ ...pack, rules: pack.rules.filter((rule) => !skip.has(rule.id)) }));
}

/** The entries of an exemptions file (`--exemptions FILE`), or every problem with it. */
export function exemptionsFrom(documents: readonly PositionedDocument[], readErrors: readonly InputError[] = []): Exemption[] {
  const errors: InputError[] = [...readErrors];
  const exemptions: Exemption[] = [];
  for (const document of documents) {
    const parsed = parseExemptions(document);
    exemptions.push(...parsed.exemptions);
    errors.push(...parsed.errors);
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return exemptions;
}
