// The standalone binary's code caches (src/cli/sea-program.ts), made by the binaries' own Node: scripts/package.ts
// bundles this file and starts it with that Node. It loads the program as the binary does, runs what starts run
// most, and takes V8's code cache of everything compiled by then twice: after version and help (the start cache,
// which those starts load), and after a scan of examples/ too (the full cache, for every other command).
//   node code-cache.mjs PROGRAM-ASSET EXAMPLES-FOLDER OUT START-OUT   (the program as the binary keeps it: programAsset)
// Its stdout carries oclif's help text (oclif writes help to the process' stdout): package.ts discards it.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type v8 from 'node:v8';
import { Script } from 'node:vm';
import { builtinModulesOnly, loadProgram, programText, SEA_ASSETS } from '../../src/cli/sea-program.js';

const [programFile, examples, out, startOut] = process.argv.slice(2);
if (!programFile || !examples || !out || !startOut) throw new Error('usage: code-cache.mjs PROGRAM-ASSET EXAMPLES-FOLDER OUT START-OUT');

const text = programText(readFileSync(programFile));
const root = path.dirname(programFile);
// A code cache carries a hash of V8's flags, and V8 rejects it where they differ. The program sets some as it reads
// files (src/sources/heap-growth.ts), which would make this cache one that no start of the binary accepts: here
// its node:v8 changes no flag (package.ts then checks the cache in a fresh process with the binaries' options).
const load = builtinModulesOnly(createRequire(import.meta.url));
const withFlagsKept = (id: string): unknown =>
  id === 'node:v8' || id === 'v8' ? { ...(load(id) as typeof v8), setFlagsFromString: () => undefined } : load(id);
const { program, script } = loadProgram(text, undefined, withFlagsKept);

const startRuns = [['version'], ['--help'], ['scan', '--help']];
for (const argv of startRuns) await run(argv);
writeCache(startOut);
await run(['scan', '-f', examples]);
writeCache(out);

async function run(argv: string[]): Promise<void> {
  const stdout = new PassThrough().resume();
  const stderr = new PassThrough();
  let errors = '';
  stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const code = await program.main(argv, {
    root,
    streams: { stdin: Readable.from([]), stdout, stderr, env: process.env },
  });
  // 1 is a scan's "findings"; anything else means the program did not do what it does for users.
  if (code > 1) throw new Error(`kubectl sa ${argv.join(' ')} exited ${code}: ${errors}`);
}

/** V8's code cache of the program as compiled so far, checked to be one V8 accepts for the program's text. */
function writeCache(file: string): void {
  const cache = script.createCachedData();
  if (new Script(text, { filename: SEA_ASSETS.program, cachedData: cache }).cachedDataRejected) {
    throw new Error('V8 rejects the code cache it has just made');
  }
  writeFileSync(file, cache);
}
