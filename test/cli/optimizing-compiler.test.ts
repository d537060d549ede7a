import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { turbofanBudgetFlag, turbofanInvocationCount } from '../../src/cli/optimizing-compiler.js';

/**
 * A child Node that sets `flag` (if any) while running, as runAsProgram does, then calls a small function `calls`
 * times and says whether V8 has compiled it with TurboFan (bit 64 of %GetOptimizationStatus). Compiles happen on the
 * main thread here, so the answer does not depend on a background thread's timing.
 */
function turbofanned(flag: string | undefined, calls: number): boolean {
  const script = [
    "const v8 = require('node:v8');",
    'const [flag, calls] = process.argv.slice(1);',
    'if (flag) v8.setFlagsFromString(flag);',
    'function warm(x) { let sum = 0; for (let i = 0; i < 10; i++) sum += (x * i) % 7; return sum; }',
    'let total = 0;',
    'for (let i = 0; i < Number(calls); i++) total += warm(i);',
    'process.stdout.write(JSON.stringify({ turbofan: (%GetOptimizationStatus(warm) & 64) !== 0, total }));',
  ].join('\n');
  const output = execFileSync(
    process.execPath,
    ['--allow-natives-syntax', '--no-concurrent-recompilation', '-e', script, '--', flag ?? '', String(calls)],
    { encoding: 'utf8' },
  );
  return (JSON.parse(output) as { turbofan: boolean }).turbofan;
}

describe("kubectl-sa's TurboFan budget (src/cli/optimizing-compiler.ts)", () => {
  it('is an option this Node’s V8 knows (Node refuses an unknown one on its command line)', () => {
    expect(turbofanBudgetFlag).toBe(`--invocation-count-for-turbofan=${turbofanInvocationCount}`);
    expect(execFileSync(process.execPath, [turbofanBudgetFlag, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' })).toBe('ok');
  });

  it('set while the process runs, keeps a function that V8 would compile with TurboFan out of it, until it is really hot', () => {
    // Measured on Node 24: by default the function reaches TurboFan within 2,000 calls; with the budget, after 40,000.
    expect(turbofanned(undefined, 12_000)).toBe(true);
    expect(turbofanned(turbofanBudgetFlag, 12_000)).toBe(false);
    expect(turbofanned(turbofanBudgetFlag, 400_000)).toBe(true);
  });
});
