// Runs dist/kubectl-sa.cjs, the program the standalone binaries carry, as their main script does
// (src/cli/sea-main.ts, src/cli/sea-program.ts): a function of exports, require and module whose require
// serves Node's built-in modules only. For tests that need the binaries' program without building a binary.
import { readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const nodeRequire = createRequire(import.meta.url);
const script = new Script(readFileSync(path.join(root, 'dist', 'kubectl-sa.cjs'), 'utf8'), { filename: 'kubectl-sa.cjs' });
const program = { exports: {} };
const builtinOnly = (id) => {
  if (!isBuiltin(id)) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
  return nodeRequire(id);
};
script.runInThisContext()(program.exports, builtinOnly, program);
program.exports.runAsProgram(root);
