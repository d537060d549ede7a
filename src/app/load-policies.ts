import type { DeclaredFact } from '../policy/compile-pack.js';
import { compilePackSet, exemptionsFrom, knownKindsOf, withFacts, type LoadedPolicies, type PolicySource } from '../policy/pack-set.js';
import type { Exemption } from '../policy/exemptions.js';
import type { InputError } from '../errors/kubectl-sa-error.js';
import { loadApiResources } from '../sources/kube-data.js';
import { builtInPolicyDocuments, builtInTargetSchemas, readPolicyDocuments } from '../sources/policy-files.js';
import { derivedTargetRegistry } from '../policy/derived/target-registry.js';

export type { LoadedPolicies };

export interface LoadPoliciesOptions {
  /** Pack files or folders given with `--policy`; folders are read recursively. */
  readonly paths?: readonly string[];
  readonly includeBuiltIn?: boolean;
  /** `--only-pack`: keep only these packs (by metadata.name). */
  readonly onlyPacks?: readonly string[];
  /** `--skip-rule`: drop these rule ids. */
  readonly skipRules?: readonly string[];
}

/**
 * The built-in packs and the user's (`--policy`), read by the policy-files source and compiled by the policy
 * engine; `--only-pack`/`--skip-rule` applied. Every broken pack of the run is reported together (exit 2).
 */
export async function loadPolicies(options: LoadPoliciesOptions): Promise<LoadedPolicies> {
  const errors: InputError[] = [];
  const sources: PolicySource[] = [];
  if (options.includeBuiltIn ?? true) sources.push({ documents: builtInPolicyDocuments(errors), builtIn: true });
  for (const given of options.paths ?? []) sources.push({ documents: await readPolicyDocuments(given, errors), builtIn: false });
  const knownKinds = knownKindsOf(loadApiResources().resources);
  const selection = { onlyPacks: options.onlyPacks, skipRules: options.skipRules, knownKinds, targetSchemas: loadTargetSchemas() };
  const loaded = await compilePackSet(sources, selection, errors);
  if (options.includeBuiltIn ?? true) return loaded;
  return { ...loaded, facts: withFacts(loaded.facts, await loadBuiltInRiskFacts()) };
}

/** The published schema of each derived target (policies/targets/), by target name, with its repository path. */
export function loadTargetSchemas(): Map<string, { readonly file: string; readonly schema: Record<string, unknown> }> {
  const files = builtInTargetSchemas();
  return new Map(
    derivedTargetRegistry.flatMap((definition) => {
      const schema = files.get(definition.schemaFile);
      return schema ? [[definition.name, { file: `policies/targets/${definition.schemaFile}`, schema }] as const] : [];
    }),
  );
}

let builtInFacts: Promise<readonly DeclaredFact[]> | undefined;

/**
 * The risk facts the built-in packs declare (policies/rbac.yaml), for commands that report facts without
 * judging rules (`permissions`) and for runs that leave the built-in packs out.
 */
export function loadBuiltInRiskFacts(): Promise<readonly DeclaredFact[]> {
  builtInFacts ??= (async () => {
    const errors: InputError[] = [];
    const source: PolicySource = { documents: builtInPolicyDocuments(errors), builtIn: true };
    return (await compilePackSet([source], { knownKinds: knownKindsOf(loadApiResources().resources) }, errors)).facts;
  })();
  return builtInFacts;
}

/** Reads an exemptions file (`--exemptions FILE`). */
export async function loadExemptions(file: string): Promise<Exemption[]> {
  const errors: InputError[] = [];
  const documents = await readPolicyDocuments(file, errors);
  return exemptionsFrom(documents, errors);
}
