// `kubectl sa usage` on a large, realistic audit log: events per second and peak memory, end to end (the
// built CLI as users run it: read, gunzip, parse, aggregate, print).
//
//   npm run build && npx tsx bench/audit-usage.ts [MiB]      (default 1024: a 1 GiB log, about 1M events)
//   BENCH_AUDIT_GZIP=1 …                                     (the same log gzip-compressed)
//   BENCH_ROUNDS=3 …                                         (runs it three times)
//   BENCH_AUDIT_HARSH=1 …                                    (earlier rounds' log: fresh token id, node, address per request)
//
// Each round runs it with one reader (KUBECTL_SA_AUDIT_THREADS=1) and with one per core.
//
// The log is generated once into .bench/ (bench/generate-audit-log.js, deterministic) and reused. The CLI
// runs under /usr/bin/time, whose maximum resident set size is the peak memory reported.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { generateAuditLog } from './generate-audit-log.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const mebibytes = Number(process.argv[2] ?? 1024);
const gzip = process.env.BENCH_AUDIT_GZIP === '1';
const harsh = process.env.BENCH_AUDIT_HARSH === '1';
// The harsh log keeps the name (and bytes) it had in earlier rounds; the pod-stable one has a name of its own.
const plain = path.join(root, '.bench', `audit-${mebibytes}m${harsh ? '' : '-pods'}.log`);
const file = gzip ? `${plain}.gz` : plain;

mkdirSync(path.dirname(plain), { recursive: true });
if (!existsSync(plain)) {
  const started = performance.now();
  const written = await generateAuditLog(mebibytes, plain, harsh);
  console.log(
    `generated ${path.relative(root, plain)}: ${written.events} events in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
if (gzip && !existsSync(file)) await pipeline(createReadStream(plain), createGzip({ level: 6 }), createWriteStream(file));

const events = countLines(plain);
if (!existsSync('/usr/bin/time')) throw new Error('this benchmark reads peak memory from /usr/bin/time (GNU time), which is missing');
const mib = statSync(file).size / 1024 / 1024;
console.log(
  `audit log:   ${path.relative(root, file)}, ${mib.toFixed(0)} MiB${gzip ? ' gzip' : ''}, ${events.toLocaleString('en-US')} events`,
);
// Whole-process figures from GNU time: wall and CPU time (user + system), and the peak resident set. On a
// shared machine wall time includes waiting for a core; CPU time is the figure that compares between runs.
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
// One reader (KUBECTL_SA_AUDIT_THREADS=1) and one per core (the main thread and a worker thread per other core,
// a byte range each), taking turns so that load on a shared machine hits both alike.
const setups = [
  { label: 'one thread', threads: '1' },
  { label: `${availableParallelism()} threads`, threads: String(availableParallelism()) },
];
for (let round = 1; round <= rounds; round++) {
  for (const setup of setups) {
    const env = { ...process.env, KUBECTL_SA_AUDIT_THREADS: setup.threads };
    const run = spawnSync(
      '/usr/bin/time',
      ['-f', '%e %U %S %M', process.execPath, path.join(root, 'bin', 'kubectl-sa'), 'usage', '--audit-log', file, '--log-only'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env },
    );
    if (run.status !== 0) throw new Error(`kubectl sa usage failed (${run.status}): ${run.stderr}`);
    const [seconds = 0, user = 0, system = 0, kilobytes = 0] = (run.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    const cpu = user + system;
    console.log(
      `run ${round}, ${setup.label}, load average ${loadavg()
        .map((load) => load.toFixed(1))
        .join(' ')}:`,
    );
    console.log(`  wall:        ${seconds.toFixed(1)} s = ${rate(events / seconds)} events/s (${(mib / seconds).toFixed(0)} MiB/s read)`);
    console.log(
      `  cpu:         ${cpu.toFixed(1)} s (user ${user.toFixed(1)}, system ${system.toFixed(1)}) = ${rate(events / cpu)} events per CPU-second`,
    );
    console.log(`  peak memory: ${(kilobytes / 1024).toFixed(0)} MB (maximum resident set size of the whole process)`);
  }
}

function rate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

/** Lines of the plain log (one event each): the figure the rate is computed from, counted apart from the product. */
function countLines(name: string): number {
  const counted = spawnSync('wc', ['-l', name], { encoding: 'utf8' });
  return Number(counted.stdout.trim().split(' ')[0]);
}
