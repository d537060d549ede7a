// Preloaded by the benchmarks (`node --import ./bench/peak-rss.ts …`): when the process exits, writes its
// peak resident set size in KiB (getrusage's ru_maxrss) to the file named by BENCH_RSS_FILE, so a figure is
// the whole process's, measured the same way for the parse-only floor and for kubectl-sa.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
