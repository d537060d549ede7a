// Preloaded by the benchmarks (`node --import ./bench/process-usage.ts …`): when the process exits, writes its
// peak resident set size (getrusage's ru_maxrss, KiB) and the CPU time it used (user + system, µs) as JSON to the
// file named by BENCH_USAGE_FILE, measured the same way for the parse-only floor and for kubectl-sa. On a shared
// machine wall time includes waiting for a core; CPU time is the work done.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRSS: usage.maxRSS, cpuMicros: usage.userCPUTime + usage.systemCPUTime }));
  });
}
