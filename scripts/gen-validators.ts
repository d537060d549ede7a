// Writes src/policy/built-in-validators.generated.ts (see scripts/validators-module.ts). Run by `npm run build`;
// `--check` only says whether the file is current (exit 1 when not).
//
//   npx tsx scripts/gen-validators.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedModulePath, validatorsModule } from './validators-module.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const target = path.join(root, generatedModulePath);
const text = validatorsModule(root);
const current = (() => {
  try {
    return readFileSync(target, 'utf8');
  } catch {
    return undefined;
  }
})();
if (process.argv.includes('--check')) {
  if (current !== text) {
    process.stderr.write(`${generatedModulePath} is not current: run npm run build\n`);
    process.exitCode = 1;
  }
} else if (current !== text) {
  writeFileSync(target, text);
  process.stderr.write(`wrote ${generatedModulePath}\n`);
}
