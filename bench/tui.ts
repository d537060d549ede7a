// The interactive explorer (`kubectl sa` on a terminal) on the dense shape: how long from the data read to the
// first screen, and what each key costs on lists of 10,000 rows.
//
//   npx tsx bench/tui.ts            (BENCH_SIZE=10000 ServiceAccounts, BENCH_ROUNDS=3)
//
// In process, as `kubectl sa tui -f FILE` runs it: the explore use case (packs, parse, inventory, RBAC, every
// built-in rule, the report), the Explorer mounted by Ink on a 200×50 terminal of our own (interactive, as on a
// real one), and keys written to its stdin. "Data read" is the moment the explore use case starts judging (the
// file parsed into the inventory); "first screen" is the first frame Ink writes with the ServiceAccounts list.
// A key's latency is from writing it to the next frame; Ink draws at most 30 frames a second, so up to ~33 ms of
// a latency is Ink's throttle, not our work; "render" is Ink's own measure of each frame (React and layout).
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ExplorerActions } from '../src/tui/explorer-actions.js';
import { generateManifests } from './generate.js';

// React as the bundle ships it (scripts/build.ts defines NODE_ENV): its development build profiles every
// component render and is several times slower. Set before React is imported.
process.env.NODE_ENV = 'production';
const { render } = await import('ink');
const { createElement } = await import('react');
const { explore } = await import('../src/app/explore.js');
const { Explorer } = await import('../src/tui/components/Explorer.js');
const { buildExplorerData } = await import('../src/tui/explorer-data.js');

const size = Number(process.env.BENCH_SIZE ?? 10_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const folder = path.join(import.meta.dirname, '..', '.bench');
const file = path.join(folder, `dense-${size}-tui.yaml`);
if (!existsSync(file)) {
  mkdirSync(folder, { recursive: true });
  writeFileSync(file, generateManifests('dense', size));
}

/** A terminal for Ink: a TTY of a fixed size whose frames we watch. */
class Terminal extends EventEmitter {
  readonly isTTY = true;
  readonly columns = 200;
  readonly rows = 50;
  private waiters: { readonly test: (frame: string) => boolean; readonly resolve: (at: number) => void }[] = [];
  write = (frame: string): boolean => {
    const at = performance.now();
    this.waiters = this.waiters.filter((waiter) => (waiter.test(frame) ? (waiter.resolve(at), false) : true));
    return true;
  };
  /** When the next frame (that passes `test`) is written. */
  next(test: (frame: string) => boolean = () => true): Promise<number> {
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
}

/** A keyboard for Ink, as ink-testing-library makes one. */
class Keyboard extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  press(data: string): void {
    this.data = data;
    this.emit('readable');
  }
  read = (): string | null => {
    const data = this.data;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

interface Round {
  readonly readMs: number;
  readonly firstScreenMs: number;
  /** The process' CPU time (user + system) over the same stretch: on a busy machine, the steadier figure. */
  readonly firstScreenCpuMs: number;
  /** Of it: judging (the explore use case), then the TUI's own part (the rows, the sorted list, the first frame). */
  readonly judgeCpuMs: number;
  readonly viewCpuMs: number;
  /**
   * The main thread's own CPU time over it (process.threadCpuUsage): what the first screen takes where the process
   * has a core of its own, as GC's helper threads run beside it on another.
   */
  readonly mainThreadCpuMs: number;
  /** Of the first screen: judging (RBAC model, rules, report), and the rows built from it (measured again apart). */
  readonly judgeMs: number;
  readonly rowsMs: number;
  readonly rssMb: number;
  readonly keys: Map<string, number[]>;
  readonly renders: number[];
}

async function round(): Promise<Round> {
  const terminal = new Terminal();
  const keyboard = new Keyboard();
  const renders: number[] = [];
  let readAt = 0;
  let readCpu = process.cpuUsage();
  let readThreadCpu = process.threadCpuUsage();
  let judgeMs = 0;
  let judgeCpuMs = 0;
  let loaded: Awaited<ReturnType<typeof explore>> | undefined;
  const started = performance.now();
  const notHere = () => Promise.reject(new Error('not measured'));
  const actions: ExplorerActions = {
    load: async (onStage) => {
      loaded = await explore({
        input: { paths: [file], cluster: {} },
        policies: { paths: [], includeBuiltIn: true, onlyPacks: [], skipRules: [] },
        now: new Date(),
        defaultRbac: true,
        onStage: (stage) => {
          if (stage === 'judging') {
            readAt = performance.now();
            readCpu = process.cpuUsage();
            readThreadCpu = process.threadCpuUsage();
          }
          onStage(stage);
        },
      });
      judgeMs = loaded.data.timings.judgeMs;
      const judged = process.cpuUsage(readCpu);
      judgeCpuMs = (judged.user + judged.system) / 1000;
      return loaded;
    },
    whoCan: notHere,
    createToken: notHere,
    copy: notHere,
    planFix: notHere,
    dryRunFix: notHere,
    applyFix: notHere,
  };
  const firstScreen = terminal.next((frame) => frame.includes('ServiceAccounts ·'));
  const instance = render(createElement(Explorer, { actions, reading: file, colour: true, onExit: () => undefined }), {
    stdout: terminal as unknown as NodeJS.WriteStream,
    stdin: keyboard as unknown as NodeJS.ReadStream,
    stderr: terminal as unknown as NodeJS.WriteStream,
    interactive: true,
    exitOnCtrlC: false,
    patchConsole: false,
    onRender: ({ renderTime }) => renders.push(renderTime),
  });
  const shownAt = await firstScreen;
  const cpu = process.cpuUsage(readCpu);
  const threadCpu = process.threadCpuUsage(readThreadCpu);
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  renders.length = 0;
  const keys = new Map<string, number[]>();
  const press = async (label: string, data: string, test?: (frame: string) => boolean) => {
    // A fresh throttle window for each key, as a person types.
    await new Promise((resolve) => setTimeout(resolve, 60));
    const frame = terminal.next(test);
    const pressed = performance.now();
    keyboard.press(data);
    const latency = (await frame) - pressed;
    keys.set(label, [...(keys.get(label) ?? []), latency]);
  };
  for (let i = 0; i < 20; i++) await press('j (next row)', 'j');
  await press('G (last of 10,000)', 'G');
  await press('g (first)', 'g');
  for (let i = 0; i < 5; i++) await press('PgDn', '\u001B[6~');
  for (let i = 0; i < 5; i++) await press('s (sort 10,000 rows)', 's');
  await press('/ (filter)', '/');
  for (const character of 'runner') await press('filter keystroke (10,000 rows)', character);
  await press('Esc (clear filter)', '\u001B');
  await press('Esc (to namespaces)', '\u001B');
  await press('j (another namespace)', 'j');
  await press('Enter (its accounts)', '\r');
  await press('Enter (details)', '\r');
  await press('2 (Permissions tab)', '2');
  await press('3 (Escalation tab)', '3');
  instance.unmount();
  const rowsStarted = performance.now();
  if (loaded) buildExplorerData(loaded.data);
  const rowsMs = performance.now() - rowsStarted;
  return {
    readMs: readAt - started,
    firstScreenMs: shownAt - readAt,
    firstScreenCpuMs: (cpu.user + cpu.system) / 1000,
    judgeCpuMs,
    viewCpuMs: (cpu.user + cpu.system) / 1000 - judgeCpuMs,
    mainThreadCpuMs: (threadCpu.user + threadCpu.system) / 1000,
    judgeMs,
    rowsMs,
    rssMb,
    keys,
    renders: [...renders],
  };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(0)} ms`;

const results: Round[] = [];
for (let i = 0; i < rounds; i++) results.push(await round());

console.log(`kubectl sa tui on the dense shape, ${size.toLocaleString('en-US')} ServiceAccounts (${path.basename(file)})`);
console.log(`Node ${process.version}, load average ${(await import('node:os')).loadavg()[0]?.toFixed(1)}, ${rounds} round(s), medians`);
console.log(`  data read (packs, parse, inventory):              ${ms(median(results.map((result) => result.readMs)))}`);
console.log(`  first screen after the data is read:              ${ms(median(results.map((result) => result.firstScreenMs)))}`);
console.log(`    CPU time (user + system) over it                 ${ms(median(results.map((result) => result.firstScreenCpuMs)))}`);
console.log(`      judging (CPU)                                  ${ms(median(results.map((result) => result.judgeCpuMs)))}`);
console.log(`      rows, sorted list and first frame (CPU)        ${ms(median(results.map((result) => result.viewCpuMs)))}`);
console.log(`    main thread's CPU (≈ wall on an idle core)       ${ms(median(results.map((result) => result.mainThreadCpuMs)))}`);
console.log(`    max over rounds                                  ${ms(Math.max(...results.map((result) => result.firstScreenMs)))}`);
console.log(`    of which judging (RBAC, rules, report)           ${ms(median(results.map((result) => result.judgeMs)))}`);
console.log(`    of which the rows (measured apart)               ${ms(median(results.map((result) => result.rowsMs)))}`);
console.log(`  RSS at the first screen:                          ${median(results.map((result) => result.rssMb)).toFixed(0)} MB`);
console.log('  key → next frame (median / max over rounds):');
for (const label of results[0]?.keys.keys() ?? []) {
  const all = results.flatMap((result) => result.keys.get(label) ?? []);
  console.log(`    ${label.padEnd(34)} ${ms(median(all)).padStart(7)} / ${ms(Math.max(...all))}`);
}
const renders = results.flatMap((result) => result.renders);
console.log(`  Ink render per frame (median / max):             ${ms(median(renders))} / ${ms(Math.max(...renders))}`);
process.exit(0);
