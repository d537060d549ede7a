// Prints how long a full `kubectl sa scan` pipeline takes on a generated 10,000-object manifest file,
// next to a bare js-yaml parse of the same text. Run `npm run bench` (it builds first).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { rbacForInventory } from '../dist/cli/rbac-for-inventory.js';
import { buildInventory } from '../dist/inventory/inventory.js';
import { evaluatePolicies } from '../dist/policy/evaluate.js';
import { loadPolicies } from '../dist/policy/pack-loader.js';
import { parseManifests } from '../dist/sources/parse-manifests.js';
import { generateManifests } from './generate-manifests.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const count = Number(process.env.BENCH_OBJECTS ?? 10_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const text = generateManifests(count);
mkdirSync(path.join(root, '.bench'), { recursive: true });
writeFileSync(path.join(root, '.bench', 'manifests.yaml'), text);

const time = (fn) => {
  const started = performance.now();
  const result = fn();
  return { ms: performance.now() - started, result };
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const packLoad = performance.now();
const { packs } = await loadPolicies({ includeBuiltIn: true });
const packMs = performance.now() - packLoad;

let findings = 0;
const parse = [];
const scan = [];
const stages = { parse: [], inventory: [], rbac: [], evaluate: [] };
for (let round = 0; round < rounds; round++) {
  parse.push(time(() => loadAll(text)).ms);
  const total = time(() => {
    const documents = time(() => parseManifests(text, 'manifests.yaml'));
    const inventory = time(() =>
      buildInventory(
        documents.result.map((d) => ({ value: d.value, source: { file: 'manifests.yaml', line: d.line } })),
        { defaultNamespace: 'default', origin: 'files' },
      ),
    );
    const rbac = time(() => rbacForInventory(inventory.result, { defaultRbac: true }));
    const evaluation = time(() => evaluatePolicies(inventory.result, packs, { now: new Date('2026-06-01T00:00:00Z'), rbac: rbac.result }));
    stages.parse.push(documents.ms);
    stages.inventory.push(inventory.ms);
    stages.rbac.push(rbac.ms);
    stages.evaluate.push(evaluation.ms);
    return evaluation.result;
  });
  findings = total.result.findings.length;
  scan.push(total.ms);
}

const parseMs = median(parse);
const scanMs = median(scan);
const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(
  `objects:              ${count} (${(text.length / 1024 / 1024).toFixed(1)} MiB of YAML), ${findings} findings, median of ${rounds} rounds`,
);
console.log(`packs load+compile:   ${fmt(packMs)} (once per process; ${packs.reduce((n, p) => n + p.rules.length, 0)} rules)`);
console.log(`bare js-yaml parse:   ${fmt(parseMs)}`);
console.log(
  `scan (parse→findings): ${fmt(scanMs)}  [positions parse ${fmt(median(stages.parse))}, inventory ${fmt(median(stages.inventory))}, rbac ${fmt(median(stages.rbac))}, policies ${fmt(median(stages.evaluate))}]`,
);
console.log(`ratio scan/parse:     ${(scanMs / parseMs).toFixed(2)}×`);
