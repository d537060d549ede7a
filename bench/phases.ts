// Where a scan's CPU time goes, phase by phase, in one process (CPU time of the process, user + system).
//   npx tsx bench/phases.ts FILE [json]
import { readFileSync } from 'node:fs';
import { loadPolicies } from '../src/app/load-policies.js';
import { readInput } from '../src/app/read-input.js';
import { rbacViewFor } from '../src/app/rbac-input.js';
import { compileRiskFacts } from '../src/rbac/risk-facts.js';
import { locateFindingFields } from '../src/app/finding-fields.js';
import { evaluatePolicies } from '../src/policy/evaluate.js';
import { fixesOf } from '../src/policy/fix-index.js';
import { buildScanReport } from '../src/report/scan-report.js';
import { scanTable } from '../src/report/scan-table.js';
import { loadAll } from 'js-yaml';

const file = process.argv[2] ?? '';
const json = process.argv[3] === 'json';
let last = process.cpuUsage();
const lap = (label: string) => {
  const now = process.cpuUsage(last);
  last = process.cpuUsage();
  const memory = process.memoryUsage();
  console.log(
    `${label.padEnd(28)} ${((now.user + now.system) / 1000).toFixed(0).padStart(6)} ms   heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MB   rss ${(memory.rss / 2 ** 20).toFixed(0)} MB   peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
};
if (!process.env.NO_FLOOR) {
  loadAll(readFileSync(file, 'utf8'));
  lap('floor: js-yaml loadAll');
}
const { packs, facts } = await loadPolicies({});
lap('load packs');
const texts = new Map<string, string>();
const { inventory } = await readInput({ paths: [file], cluster: {}, onText: (name, text) => texts.set(name, text) });
lap('read input (parse, inventory)');
const rbac = rbacViewFor(inventory, { defaultRbac: true, riskFacts: compileRiskFacts(facts) });
lap('rbac model');
// As scan does: the table's findings keep neither their documents nor ajv's errors.
const evaluation = evaluatePolicies(inventory, packs, { now: new Date(), rbac: rbac.view, keepDocuments: json });
lap(`evaluate (${evaluation.findings.length} findings)`);
const locate = json ? locateFindingFields(evaluation.findings, fixesOf(packs), texts) : undefined;
if (json) lap('locate fields');
const report = buildScanReport(inventory, packs, evaluation, 'high', locate);
lap('report');
// The table is written piece by piece, as scan writes it.
let length = 0;
if (json) length = JSON.stringify(report, undefined, 2).length;
else for (const piece of scanTable(report, { colour: false })) length += piece.length;
lap(`render (${(length / 2 ** 20).toFixed(1)} MiB)`);
