// Prints how long `kubectl sa fix` takes to plan, edit and diff every fixable finding of a generated
// 10,000-object manifest file (BENCH_OBJECTS to change), and that a second plan on the result changes nothing.
// Run: npx tsx bench/fix.ts
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { planFix } from '../src/app/fix.js';
import { generateManifests } from './generate.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const count = Number(process.env.BENCH_OBJECTS ?? 10_000);
const folder = path.join(root, '.bench', 'fix');
mkdirSync(folder, { recursive: true });
const file = path.join(folder, 'manifests.yaml');
writeFileSync(file, generateManifests('realistic', count));

const options = {
  input: { paths: [file], cluster: {} },
  policies: { includeBuiltIn: true },
  now: new Date('2026-06-01T00:00:00Z'),
  defaultRbac: true,
  selection: {},
};
const memory = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const started = performance.now();
const { data } = await planFix(options);
const planMs = performance.now() - started;
const changed = data.files[0];
const diffLines = changed ? changed.diff.split('\n').filter((line) => /^[-+](?![-+]{2} )/.test(line)).length : 0;
console.log(`objects:               ${count} (${(readFileSync(file).length / 2 ** 20).toFixed(1)} MiB of YAML)`);
console.log(`fix plan (read, scan, plan, edit, diff): ${planMs.toFixed(0)} ms, RSS ${memory()} MiB`);
console.log(
  `  changes: ${data.plan.changes.length}, already compliant: ${data.plan.compliant.length}, not fixed: ${data.plan.skipped.length}, changed lines: ${diffLines}`,
);
if (changed) writeFileSync(file, changed.after);
const again = performance.now();
const second = await planFix(options);
console.log(`second run on the fixed file: ${(performance.now() - again).toFixed(0)} ms, changes: ${second.data.plan.changes.length}`);
