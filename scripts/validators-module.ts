// Generates the text of src/policy/built-in-validators.generated.ts: ajv standalone code for the file
// formats (PolicyPack, PolicyPackTest, Exemptions) and for every rule of the built-in packs under policies/,
// compiled with the same ajv options as a user's pack (strict, all errors, RE2 patterns; `match` schemas stop
// at the first error, as a user's do: policy-ajv.ts). The built-in packs
// are checked exactly as a user's pack is (compilePack), so a broken built-in pack fails the build.
// scripts/gen-validators.ts writes the file; test/policy/built-in-validators.test.ts checks it is current.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
import { compilePack, precompiledWhereKey } from '../src/policy/compile-pack.js';
import { exemptionsSchema } from '../src/policy/exemptions-file.js';
import { packDigest } from '../src/policy/pack-digest.js';
import { packSchema } from '../src/policy/pack-schema.js';
import { packTestSchema } from '../src/policy/pack-tests.js';
import type { PolicyPackSpec } from '../src/policy/pack-types.js';
import { parsePolicyText } from '../src/sources/policy-files.js';
import { createPolicyAjv, policyAjvOptions, re2Compiles } from '../src/policy/policy-ajv.js';

// A CommonJS module whose exports are the function, with itself as `default`: the types know only the latter.
const standaloneCode = standalone.default;

export const generatedModulePath = 'src/policy/built-in-validators.generated.ts';

/** The built-in pack documents (kind PolicyPack) under `policies/`, as the loader reads them. */
function builtInPacks(
  root: string,
): { value: PolicyPackSpec; file: string; line: number; lineOf: (pointer: string) => number | undefined }[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ya?ml|json)$/i.test(entry.name) && !entry.name.endsWith('.schema.json')) found.push(full);
    }
  };
  walk(path.join(root, 'policies'));
  return found.flatMap((file) =>
    parsePolicyText(readFileSync(file, 'utf8'), path.relative(root, file))
      .filter((document) => (document.value as { kind?: unknown } | null)?.kind === 'PolicyPack')
      .map((document) => ({ ...document, value: document.value as PolicyPackSpec })),
  );
}

/** Schemas added to one ajv under keys, exported from its standalone code under short names. */
class Chunk {
  readonly ajv: Ajv2020;
  readonly exports: Record<string, string> = {};

  constructor(ajv: Ajv2020) {
    this.ajv = ajv;
  }

  add(schema: object | boolean, key: string): string {
    const name = `v${Object.keys(this.exports).length}`;
    this.ajv.addSchema(schema as object, key);
    this.exports[name] = key;
    return name;
  }
}

export function validatorsModule(root: string): string {
  // Our own format schemas are trusted: their few patterns run on V8's RegExp, so a scan with the built-in
  // packs never loads RE2. Pack rules, built-in ones included, compile exactly as a user's pack: with RE2.
  const formatChunk = new Chunk(new Ajv2020({ ...policyAjvOptions, code: { source: true } }));
  const ruleChunk = new Chunk(createPolicyAjv({ standalone: true }));
  // `match` schemas are read for their verdict only (policy-ajv.ts, matchAjvOptions).
  const matchChunk = new Chunk(createPolicyAjv({ standalone: true, verdictOnly: true }));
  const formats: [string, string][] = [
    ['pack', formatChunk.add(packSchema as unknown as object, 'format:pack')],
    ['packTest', formatChunk.add(packTestSchema as unknown as object, 'format:packTest')],
    ['exemptions', formatChunk.add(exemptionsSchema as unknown as object, 'format:exemptions')],
  ];
  const packFormat = createPolicyAjv().compile(packSchema as unknown as object);

  const packs: { name: string; digest: string; rules: [string, string][] }[] = [];
  const ruleValidator = (name: string) => `ruleValidators.${name}`;
  for (const document of builtInPacks(root)) {
    const { errors } = compilePack(
      document.value,
      { ...document, builtIn: true },
      { ajv: createPolicyAjv(), matchAjv: createPolicyAjv({ verdictOnly: true }), packFormat, patternCompiles: re2Compiles },
    );
    if (errors.length > 0)
      throw new Error(`built-in pack ${document.file} is invalid:\n${errors.map((error) => `  ${error.message}`).join('\n')}`);
    const name = document.value.metadata.name;
    const rules: [string, string][] = [];
    for (const rule of document.value.rules) {
      if (rule.match !== undefined)
        rules.push([`${rule.id}/match`, `matchValidators.${matchChunk.add(rule.match as object, `${name}/${rule.id}/match`)}`]);
      rules.push([`${rule.id}/assert`, ruleValidator(ruleChunk.add(rule.assert as object, `${name}/${rule.id}/assert`))]);
    }
    (document.value.fixes ?? []).forEach((fix, index) =>
      (fix.patch ?? []).forEach((operation, at) => {
        if (operation.where === undefined) return;
        const key = precompiledWhereKey(`/fixes/${index}/patch/${at}/where`);
        rules.push([key, ruleValidator(ruleChunk.add(operation.where as object, `${name}/${key}`))]);
      }),
    );
    packs.push({ name, digest: packDigest(document.value), rules });
  }

  // ajv emits CommonJS requires for its runtime helpers (`require("ajv/dist/runtime/equal").default`) and for
  // our RE2 hook; a bundle (and a standalone binary) needs static imports instead.
  const imports = new Map<string, string>();
  const staticImports = (code: string) =>
    code.replace(/require\("([^"]+)"\)(\.default)?/g, (_: string, specifier: string, dotDefault?: string) => {
      const target = specifier === '#re2-regexp' ? './re2-regexp.js' : specifier.startsWith('ajv/') ? `${specifier}.js` : specifier;
      let local = imports.get(target);
      if (!local) {
        local = `dependency${imports.size}`;
        imports.set(target, local);
      }
      return dotDefault ? `defaultExport(${local})` : local;
    });
  // Each ajv names its functions validate10, validate11…: a function scope per chunk keeps them apart.
  const chunk = (name: string, { ajv, exports }: Chunk) =>
    `const ${name} = (() => {\nconst exports = {};\n${staticImports(standaloneCode(ajv, exports))}\nreturn exports;\n})();`;
  const formatCode = chunk('formatValidators', formatChunk);
  const ruleCode = chunk('ruleValidators', ruleChunk);
  const matchCode = chunk('matchValidators', matchChunk);
  const table = (entries: [string, string][]) => `{ ${entries.map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join(', ')} }`;
  return [
    '// @ts-nocheck',
    '/* eslint-disable */',
    '// Generated by scripts/gen-validators.ts (npm run build) from policies/ and the format schemas: ajv',
    '// standalone code, so that no built-in schema is compiled at run time. Do not edit; a test checks it is current.',
    ...[...imports].map(([target, local]) => `import * as ${local} from ${JSON.stringify(target)};`),
    "/** `exports.default` of a CommonJS module (ajv's runtime helpers), whether or not the importer honours __esModule. */",
    'const defaultExport = (namespace) => (namespace.default !== null && typeof namespace.default === "object" && "default" in namespace.default ? namespace.default.default : namespace.default);',
    formatCode,
    ruleCode,
    matchCode,
    `export const formats = ${table(formats.map(([key, name]): [string, string] => [key, `formatValidators.${name}`]))};`,
    `export const packs = [\n${packs.map((pack) => `  { name: ${JSON.stringify(pack.name)}, digest: ${JSON.stringify(pack.digest)}, rules: ${table(pack.rules)} },`).join('\n')}\n];`,
    '',
  ].join('\n');
}
