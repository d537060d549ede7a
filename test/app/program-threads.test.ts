import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { severalReaders } from '../../src/sources/heap-growth.js';
import { repoRoot, runProgram } from '../helpers/cli.js';
import { harnessLogText, scratchDir, writeScratch } from '../helpers/audit-fixture.js';

/** The harness log's lines again and again, each request with auditIDs of its own: enough for a thread to collect its young generation. */
function largeLog(copies: number): string {
  const lines = harnessLogText()
    .split('\n')
    .filter((line) => line.trim() !== '');
  const out: string[] = [];
  for (let copy = 0; copy < copies; copy++)
    for (const line of lines) out.push(line.replace(/"auditID":"([^"]+)"/, (_, id: string) => `"auditID":"${id}-${copy}"`));
  return `${out.join('\n')}\n`;
}

/** Per heap (V8's isolate address in --trace-gc-nvp), the capacity of each young-generation collection in turn. */
function scavengeCapacities(trace: string): Map<string, number[]> {
  const byHeap = new Map<string, number[]>();
  for (const line of trace.split('\n')) {
    const heap = /^\[\d+:(0x[0-9a-f]+)/.exec(line)?.[1];
    const capacity = /\bgc=s\b.*\bnew_space_capacity=(\d+)/.exec(line)?.[1];
    if (heap === undefined || capacity === undefined) continue;
    byHeap.set(heap, [...(byHeap.get(heap) ?? []), Number(capacity)]);
  }
  return byHeap;
}

describe('a thread reading part of an audit log (the built program)', () => {
  it("collects its young generation at its full size from its start, not at V8's smallest", async () => {
    const file = writeScratch(scratchDir(), 'audit.log', largeLog(20));
    const run = await runProgram(
      process.execPath,
      ['--trace-gc-nvp', path.join(repoRoot, 'bin', 'run.js'), 'usage', '--audit-log', file, '--log-only', '-o', 'json'],
      { env: { KUBECTL_SA_AUDIT_THREADS: '2' } },
    );
    expect(run.code, run.stderr).toBe(0);
    const heaps = [...scavengeCapacities(run.stdout).entries()];
    // The main thread's heap collects first (loading the program); the thread's is the other.
    expect(heaps).toHaveLength(2);
    const [, thread] = heaps[1]!;
    expect(thread.length).toBeGreaterThan(3);
    expect(Math.min(...thread)).toBe(severalReaders.semiSpaceMiB * 1024 * 1024);
  }, 60_000);
});
