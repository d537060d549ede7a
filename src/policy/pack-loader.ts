import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, InputErrors, PolicyPackError, UsageError } from '../errors/kubectl-sa-error.js';
import { isRecord } from '../inventory/kube-object.js';
import { builtInFiles } from '../sources/built-in-files.js';
import { loadApiResources } from '../sources/kube-data.js';
import { parseManifests } from '../sources/parse-manifests.js';
import { YamlPointerLines } from '../sources/yaml-pointer-lines.js';
import { compilePack, type CompileOptions, type CompiledPack } from './compile-pack.js';
import { parseExemptions } from './exemptions-file.js';
import type { Exemption } from './exemptions.js';
import { parsePackTestSuite, type PackTestSuite } from './pack-tests.js';

/**
 * The only module of the policy engine that touches the file system: it reads pack files, pack test
 * files and exemptions files, keeping positions, and hands documents to the pure parsers and compiler.
 */

export interface PolicyDocument {
  readonly value: unknown;
  readonly file: string;
  readonly line: number;
  readonly lineOf: (pointer: string) => number | undefined;
}

export interface LoadPoliciesOptions {
  /** Pack files or folders given with `--policy`; folders are read recursively. */
  readonly paths?: readonly string[];
  readonly includeBuiltIn?: boolean;
  /** `--only-pack`: keep only these packs (by metadata.name). */
  readonly onlyPacks?: readonly string[];
  /** `--skip-rule`: drop these rule ids. */
  readonly skipRules?: readonly string[];
}

export interface LoadedPolicies {
  readonly packs: readonly CompiledPack[];
  readonly tests: readonly PackTestSuite[];
}

/**
 * Loads built-in and user packs, validates and compiles them, and applies `--only-pack`/`--skip-rule`.
 * Every broken pack in the run is reported together (InputErrors, exit 2).
 */
export async function loadPolicies(options: LoadPoliciesOptions): Promise<LoadedPolicies> {
  const errors: InputError[] = [];
  const sources: { documents: PolicyDocument[]; builtIn: boolean }[] = [];
  if (options.includeBuiltIn ?? true) sources.push({ documents: builtInPolicyDocuments(errors), builtIn: true });
  for (const given of options.paths ?? []) sources.push({ documents: await readPolicyDocuments(given, errors), builtIn: false });

  const packs: CompiledPack[] = [];
  const tests: PackTestSuite[] = [];
  const compileOptions: CompileOptions = { knownKinds: builtInKinds() };
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
      const compiled = compilePack(document.value, { ...document, builtIn: source.builtIn }, compileOptions);
      errors.push(...compiled.errors);
      if (compiled.pack) packs.push(compiled.pack);
    }
  }
  errors.push(...duplicateProblems(packs));
  if (errors.length > 0) throw new InputErrors(errors);
  return { packs: selectPacks(packs, options), tests };
}

/** The kinds Kubernetes serves itself (shipped discovery data), for checking rule targets. */
function builtInKinds(): NonNullable<CompileOptions['knownKinds']> {
  const kinds = new Set<string>();
  const groups = new Set<string>();
  for (const resource of loadApiResources().resources) {
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

function selectPacks(packs: readonly CompiledPack[], options: LoadPoliciesOptions): CompiledPack[] {
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

/**
 * The built-in packs and their tests, carried inside kubectl-sa (src/sources/built-in-files.ts). Their
 * file names read `<built-in>/policies/rbac.yaml`: the repository path, marked as not on the user's disk.
 */
function builtInPolicyDocuments(errors: InputError[]): PolicyDocument[] {
  return builtInFiles('policies')
    .filter((file) => !file.name.endsWith('.schema.json'))
    .flatMap((file) => {
      try {
        return parsePolicyText(file.text, `<built-in>/${file.name}`);
      } catch (error) {
        errors.push(error instanceof InputError ? error : new InputError(`<built-in>/${file.name}: ${String(error)}`, { cause: error }));
        return [];
      }
    });
}

/** Reads every policy document under a file or folder (recursively, sorted; `*.schema.json` skipped). */
export async function readPolicyDocuments(given: string, errors: InputError[]): Promise<PolicyDocument[]> {
  let files: string[];
  try {
    files = await policyFiles(given);
  } catch (error) {
    errors.push(error instanceof InputError ? error : new InputError(`${given}: ${String(error)}`, { cause: error }));
    return [];
  }
  const documents: PolicyDocument[] = [];
  for (const file of files) {
    try {
      documents.push(...parsePolicyText(await readFile(file, 'utf8'), file));
    } catch (error) {
      errors.push(error instanceof InputError ? error : new InputError(`${file}: ${String(error)}`, { cause: error }));
    }
  }
  return documents;
}

/** Pure: a policy file's text → documents that can map a JSON pointer back to a line. */
export function parsePolicyText(text: string, file: string): PolicyDocument[] {
  const parsed = parseManifests(text, file);
  const pointers = new YamlPointerLines(text);
  return parsed.map((document) => {
    const index = pointers.documentAtLine(document.line);
    return {
      value: document.value,
      file,
      line: document.line,
      lineOf: (pointer: string) => (index === undefined ? undefined : pointers.lineOf(index, pointer)),
    };
  });
}

async function policyFiles(given: string): Promise<string[]> {
  const info = await stat(given).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`${given}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`, { cause: error });
  });
  if (info.isFile()) return [given];
  const found: string[] = [];
  const walk = async (folder: string) => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/\.(ya?ml|json)$/i.test(entry.name) && !entry.name.endsWith('.schema.json')) found.push(full);
    }
  };
  await walk(given);
  return found;
}

/** Reads an exemptions file (`--exemptions FILE`). */
export async function loadExemptions(file: string): Promise<Exemption[]> {
  const errors: InputError[] = [];
  const documents = await readPolicyDocuments(file, errors);
  const exemptions: Exemption[] = [];
  for (const document of documents) {
    const parsed = parseExemptions(document);
    exemptions.push(...parsed.exemptions);
    errors.push(...parsed.errors);
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return exemptions;
}
