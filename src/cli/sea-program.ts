import { Script } from 'node:vm';
import type * as MainModule from './main.js';

/**
 * The standalone binaries run kubectl-sa as a CommonJS program kept in an asset of the binary, compiled
 * with a V8 code cache kept in another (scripts/package.ts builds both). Node's own `useCodeCache` caches only
 * what V8 compiles without running anything, the top level; functions compiled later at every start (oclif's
 * configuration, help, a scan's rules) were a quarter of a `version`. The release's code cache is made after
 * running the program (scripts/release/code-cache.ts), so it holds those functions too.
 */
export const SEA_ASSETS = {
  /**
   * The program: dist/kubectl-sa.cjs, a function expression `(function (exports, require, module) {…})`, in
   * Latin-1 (programAsset).
   */
  program: 'kubectl-sa.cjs',
  /** V8's code cache for that exact text, made by that exact Node (only for the platform that built it). */
  codeCache: 'kubectl-sa.code-cache',
  /**
   * A smaller one, of what `version` and help run: V8 deserializes a cache whole at every start, and the full one
   * (with a scan's functions) is twice as large (startCodeCacheFor).
   */
  startCodeCache: 'kubectl-sa.start.code-cache',
} as const;

/**
 * The code cache a start with these arguments is compiled with: the start cache for `version` and help, the full one
 * otherwise. Only speed depends on the choice (V8 compiles what a cache lacks when it first runs), so a guess that is
 * wrong for some line costs time, never a different answer.
 */
export function startCodeCacheFor(argv: readonly string[]): typeof SEA_ASSETS.codeCache | typeof SEA_ASSETS.startCodeCache {
  const first = argv[0];
  const light = first === 'version' || first === '--version' || first === 'help' || argv.some((arg) => arg === '--help' || arg === '-h');
  return light ? SEA_ASSETS.startCodeCache : SEA_ASSETS.codeCache;
}

/**
 * The program's text as the binary keeps it: one byte a character, Latin-1. The build writes it in ASCII (so V8
 * holds it one byte a character); read as Latin-1 it becomes a string by a copy, where decoding 4 MB of UTF-8
 * checks every byte. A character beyond Latin-1 is refused rather than mangled.
 */
export function programAsset(text: string): Buffer {
  const beyond = /[^\u0000-\u00ff]/.exec(text);
  if (beyond) {
    const code = beyond[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new Error(`the program has U+${code} at character ${beyond.index}, which Latin-1 cannot hold`);
  }
  return Buffer.from(text, 'latin1');
}

/** The program's text from its asset (programAsset). */
export function programText(asset: ArrayBuffer | Uint8Array): string {
  const bytes = asset instanceof Uint8Array ? Buffer.from(asset.buffer, asset.byteOffset, asset.byteLength) : Buffer.from(asset);
  return bytes.toString('latin1');
}

/** What the program exports: main.ts. */
export type Program = typeof MainModule;

/**
 * The program's text compiled (with the code cache if it is given and V8 accepts it) and run. `filename` is what
 * stack traces name: the asset in a binary, the file in the npm package (npm-main.ts).
 */
export function loadProgram(
  text: string,
  codeCache: Uint8Array | undefined,
  requireBuiltin: (id: string) => unknown,
  filename: string = SEA_ASSETS.program,
): { program: Program; script: Script } {
  const script = new Script(text, { filename, ...(codeCache ? { cachedData: codeCache } : {}) });
  const module = { exports: {} as Program };
  (script.runInThisContext() as (exports: object, require: (id: string) => unknown, module: object) => void)(
    module.exports,
    requireBuiltin,
    module,
  );
  return { program: module.exports, script };
}

/**
 * A require like a single executable's, which serves Node's own modules only: what the program gets when it runs
 * outside a binary (the code cache's training run, tests), so the same code runs.
 */
export function builtinModulesOnly(load: (id: string) => unknown): (id: string) => unknown {
  // node:module is asked here, not imported: the binary's main script imports this file, and node:module (with its
  // source-map support) was loaded at every start for this function, which only the training run and tests call.
  const { isBuiltin } = process.getBuiltinModule('node:module');
  return (id) => {
    if (!isBuiltin(id)) throw new Error(`No such built-in module: ${id}`);
    return load(id);
  };
}
