// Whole-process measurements shared by the benchmarks: run a command N times, interleaved with the others
// of its round so that machine load hits every command alike, and report medians of wall time and peak RSS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const usageHook = path.join(repoRoot, 'bench', 'process-usage.ts');

export interface Sample {
  /** Wall-clock time around the child process. */
  readonly ms: number;
  /** User + system CPU time of the process. */
  readonly cpuMs: number;
  /** Peak RSS of the process, in KiB. */
  readonly rssKiB: number;
  readonly status: number | null;
}

export interface ProcessCommand {
  readonly label: string;
  /** Arguments to node, script first. */
  readonly args: readonly string[];
  /** Exit codes that mean the command did its job (scan exits 1 when it finds something). */
  readonly okStatus?: readonly number[];
  readonly env?: Readonly<Record<string, string>>;
}

/** One run of `node --import process-usage.ts ARGS…`, output discarded. */
export function runOnce(command: ProcessCommand): Sample {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-bench-'));
  const usageFile = path.join(dir, 'usage.json');
  try {
    const started = performance.now();
    const result = spawnSync(process.execPath, ['--import', usageHook, ...command.args], {
      cwd: repoRoot,
      env: { ...process.env, ...command.env, BENCH_USAGE_FILE: usageFile, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - started;
    const ok = command.okStatus ?? [0];
    if (result.status === null || !ok.includes(result.status)) {
      throw new Error(`${command.label} exited ${String(result.status ?? result.signal)}: ${result.stderr.toString().slice(-2000)}`);
    }
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRSS: number; cpuMicros: number };
    return { ms, cpuMs: usage.cpuMicros / 1000, rssKiB: usage.maxRSS, status: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Runs each command `rounds` times, round by round; medians per command label. */
export function measureRounds(
  commands: readonly ProcessCommand[],
  rounds: number,
): Map<string, { ms: number; cpuMs: number; rssKiB: number }> {
  const samples = new Map<string, Sample[]>(commands.map((command) => [command.label, []]));
  for (let round = 0; round < rounds; round++) for (const command of commands) samples.get(command.label)?.push(runOnce(command));
  return new Map(
    [...samples].map(([label, list]) => [
      label,
      {
        ms: median(list.map((sample) => sample.ms)),
        cpuMs: median(list.map((sample) => sample.cpuMs)),
        rssKiB: median(list.map((sample) => sample.rssKiB)),
      },
    ]),
  );
}

/** Machine, Node and load, for the header of every result. */
export function environment(): string {
  const cpu = cpus();
  return (
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · Node ${process.version} · ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'} · ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB · load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`
  );
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const mebibytes = (kib: number) => `${(kib / 1024).toFixed(0)} MB`;
