import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { debuglog } from 'node:util';
import { codeCacheFolder, codeCacheName, readCodeCache, writeCodeCache } from './code-cache-store.js';
import { raiseTurbofanBudget } from './optimizing-compiler.js';
import { builtinModulesOnly, loadProgram } from './sea-program.js';

/**
 * The npm route's start (dist/npm-main.js, imported by bin/kubectl-sa): the program as the standalone binaries run
 * it (dist/kubectl-sa.cjs through vm.Script, sea-program.ts), with a V8 code cache of what a run of the same command
 * compiled, kept in the user's cache folder (code-cache-store.ts). Node's own compile cache (what bin/kubectl-sa
 * falls back to) holds only what V8 compiles before the program runs: every other function (oclif's configuration,
 * a scan's reader, rules and RBAC engine) was parsed and compiled again at every start, 3–7% of a dense 10k scan's
 * CPU time. The first run of a command makes its cache when it ends; later runs load it.
 */

/** The program's digest, set by the build (scripts/build.ts): a cache belongs to one program text. */
declare const KUBECTL_SA_PROGRAM_DIGEST: string;

const log = debuglog('kubectl-sa');

/**
 * Runs the program with a code cache and returns true; false, having run nothing, when there is no cache folder
 * (codeCacheFolder): bin/kubectl-sa then runs the ES module bundle with Node's compile cache, as before.
 */
export function runWithCodeCache(): boolean {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const folder = codeCacheFolder(
    process.env,
    process.platform,
    safeHomedir(),
    `${KUBECTL_SA_PROGRAM_DIGEST}-node${process.version}-${process.arch}`,
  );
  if (!folder) return false;
  const file = path.join(folder, `${codeCacheName(process.argv.slice(2))}.v8-cache`);
  const programFile = path.join(root, 'dist', 'kubectl-sa.cjs');
  // Latin-1: the build writes the program in ASCII, and V8 then holds it one byte a character (sea-program.ts).
  const text = readFileSync(programFile, 'latin1');
  const cache = readCodeCache(file);
  // Set before V8 reads the cache: the flags it was made with (below, at exit) include this one, and V8 refuses a
  // cache made under other flags. runAsProgram sets it again, to the same value.
  raiseTurbofanBudget();
  const { program, script } = loadProgram(text, cache, builtinModulesOnly(createRequire(import.meta.url)), programFile);
  const accepted = cache !== undefined && !script.cachedDataRejected;
  log('code cache %s: %s', file, cache === undefined ? 'none' : accepted ? 'accepted' : 'rejected');
  if (!accepted) {
    process.once('exit', (code) => {
      // A run that failed (a usage error, a bad file) may have stopped early: let a run that worked make the cache.
      if (code > 1) return;
      program.v8FlagsAsAtStart();
      const written = writeCodeCache(file, script.createCachedData());
      log('code cache %s: %s', file, written ? 'written' : 'not written');
    });
  }
  program.runAsProgram(root);
  return true;
}

/** The home folder, or undefined where there is none (a user without one in /etc/passwd). */
function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}
