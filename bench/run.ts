// `npm run bench`: whole-process time and peak RSS of kubectl-sa on generated manifest sets, beside the
// parse-only floor (a Node process that only reads and js-yaml-parses the same file) measured in the same
// run, round by round. Figures, not pass/fail: results go to bench/RESULTS.md by hand, with the header line.
//
//   npm run bench                                  # realistic and dense, 1k and 10k, 5 rounds
//   BENCH_SIZES=1000,10000,100000 BENCH_ROUNDS=3 npm run bench
//   BENCH_SHAPES=dense npm run bench
//
// Sizes are objects for the realistic shape and ServiceAccounts for the dense one (bench/generate.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Shape } from './generate.js';
import type { ProcessCommand } from './measure.js';

// Node runs these .ts files as they are; importing them by URL keeps tsc's `.js` convention for the types.
const local = (file: string) => new URL(file, import.meta.url).href;
const { generateManifests } = (await import(local('./generate.ts'))) as typeof import('./generate.js');
const { environment, measureRounds, mebibytes, repoRoot, seconds } = (await import(local('./measure.ts'))) as typeof import('./measure.js');

const shapes = (process.env.BENCH_SHAPES ?? 'realistic,dense').split(',') as Shape[];
const sizes = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

// Generated files are cached in .bench/, keyed by the generator's own text: a changed generator makes new files.
const generatorKey = createHash('sha256')
  .update(readFileSync(path.join(repoRoot, 'bench', 'generate.ts')))
  .digest('hex')
  .slice(0, 8);
function manifestFile(shape: Shape, size: number): string {
  const dir = path.join(repoRoot, '.bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${shape}-${size}-${generatorKey}.yaml`);
  if (!existsSync(file)) writeFileSync(file, generateManifests(shape, size));
  return file;
}

// The launcher npm installs and kubectl runs (`kubectl sa`): it runs the program with a code cache of what the same
// command compiled before (src/cli/npm-main.ts; the first round of a new build makes it), so a start reads the
// compiled program instead of compiling 4 MB of JavaScript; bin/run.js, the development entry, does not.
const cli = path.join(repoRoot, 'bin', 'kubectl-sa');
const rows: string[] = [];
console.log(`kubectl-sa whole-process benchmark · ${rounds} rounds, medians · ${environment()}\n`);
console.log('| shape | size | objects | YAML | command | time | CPU time | peak RSS | × parse time | × parse CPU | × parse RSS |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const shape of shapes) {
  for (const size of sizes) {
    const file = manifestFile(shape, size);
    const text = readFileSync(file, 'utf8');
    const objects = text.split(/^---$/m).length;
    const commands: ProcessCommand[] = [
      { label: 'parse floor', args: [path.join(repoRoot, 'bench', 'parse-floor.ts'), file] },
      // The default output (a table), as the figures were taken, and -o json, which also looks up each
      // finding's field and line in the file again.
      { label: 'scan', args: [cli, 'scan', '-f', file], okStatus: [0, 1] },
      { label: 'scan -o json', args: [cli, 'scan', '-f', file, '-o', 'json'], okStatus: [0, 1] },
    ];
    if (shape === 'dense') {
      commands.push(
        { label: 'who-can create pods -A', args: [cli, 'who-can', 'create', 'pods', '-A', '-f', file, '-o', 'json'] },
        // A CI runner: it creates pods everywhere, so its escalation walk reaches every ServiceAccount.
        { label: 'permissions ci:runner-0', args: [cli, 'permissions', 'ci:runner-0', '-f', file, '-o', 'json'] },
      );
    }
    const results = measureRounds(commands, rounds);
    const floor = results.get('parse floor');
    for (const command of commands) {
      const result = results.get(command.label);
      if (!result || !floor) continue;
      const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}×`;
      const ratios =
        command.label === 'parse floor'
          ? '| | | |'
          : `| ${ratio(result.ms, floor.ms)} | ${ratio(result.cpuMs, floor.cpuMs)} | ${ratio(result.rssKiB, floor.rssKiB)} |`;
      const row = `| ${shape} | ${size.toLocaleString('en')} | ${objects.toLocaleString('en')} | ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB | ${command.label} | ${seconds(result.ms)} | ${seconds(result.cpuMs)} | ${mebibytes(result.rssKiB)} ${ratios}`;
      rows.push(row);
      console.log(row);
    }
  }
}
console.log(`\nafter: ${environment()}`);
