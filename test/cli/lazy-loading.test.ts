import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runProgram } from '../helpers/cli.js';

/**
 * What every start of kubectl sa evaluates: the modules reached from the bundle's entry by static imports
 * (and by CommonJS require, counted as eager too), from esbuild's metafile of the build. Modules reached only
 * through `await import()` are wrapped lazily by esbuild and run when that line runs; Node's own modules are
 * required where their importer runs (scripts/build.ts), so they appear here as `lazy-builtin:node:…` inputs.
 */
interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
}

const metafile = JSON.parse(readFileSync(path.join(repoRoot, 'dist', 'kubectl-sa.meta.json'), 'utf8')) as Metafile;

/** Each eagerly evaluated input, with the chain of imports that brings it in from the starting modules. */
function eagerInputs(...starts: string[]): Map<string, string[]> {
  const chains = new Map<string, string[]>(starts.map((start) => [start, [start]]));
  const queue = [...starts];
  for (let input = queue.shift(); input !== undefined; input = queue.shift()) {
    for (const imported of metafile.inputs[input]?.imports ?? []) {
      if (imported.external || (imported.kind !== 'import-statement' && imported.kind !== 'require-call')) continue;
      if (chains.has(imported.path)) continue;
      chains.set(imported.path, [...chains.get(input)!, imported.path]);
      queue.push(imported.path);
    }
  }
  return chains;
}

const entry = 'src/cli/entry.ts';
const eager = eagerInputs(entry);
/** What running each command loads: the entry's modules, and the command's own when oclif imports it. */
const commandModules = Object.keys(metafile.inputs).filter(
  (input) => /^src\/commands\/.+\.tsx?$/.test(input) && !input.endsWith('/index.ts'),
);

/** What only some commands need, and so must be imported with `await import()` inside their run(). */
const heavy: { what: string; matches: (input: string) => boolean }[] = [
  { what: 'the Kubernetes client', matches: (input) => input.includes('node_modules/@kubernetes/client-node/') },
  { what: 'undici (under the Kubernetes client)', matches: (input) => input.includes('node_modules/undici/') },
  { what: 'our cluster client', matches: (input) => /^src\/sources\/cluster\/(api-client|kubeconfig|connect)\.ts$/.test(input) },
  { what: 'Ink', matches: (input) => /node_modules\/(ink|yoga-layout)\//.test(input) },
  { what: 'React', matches: (input) => /node_modules\/react(-reconciler)?\//.test(input) },
  { what: 'JOSE', matches: (input) => input.includes('node_modules/jose/') },
  { what: "Node's HTTP, TLS and crypto stack", matches: (input) => /^lazy-builtin:node:(https?|http2|tls|net|crypto|zlib)$/.test(input) },
];

describe('what every start loads (dist/kubectl-sa.meta.json)', () => {
  it('starts from the entry and reaches oclif and the command list, but no command', () => {
    expect(eager.has('src/commands/index.ts')).toBe(true);
    expect([...eager.keys()].some((input) => input.includes('node_modules/@oclif/core/'))).toBe(true);
    expect([...eager.keys()].filter((input) => commandModules.includes(input))).toEqual([]);
    expect(commandModules.length).toBeGreaterThan(10);
  });

  it('takes oclif from its entry points, not from its index (whose load-time check requires semver)', () => {
    expect(eager.has('node_modules/@oclif/core/lib/index.js')).toBe(false);
    expect([...eager.keys()].some((input) => input.includes('node_modules/semver/'))).toBe(false);
  });

  const cases = commandModules.flatMap((command) => heavy.map((entry) => [command, entry.what, entry] as const));
  it.each(cases)('%s never loads %s before it asks for it', (command, _what, { what, matches }) => {
    const found = [...eagerInputs(entry, command).entries()].filter(([input]) => matches(input));
    const shown = found.slice(0, 3).map(([, chain]) => chain.join('\n    → '));
    expect(shown, `${what} is imported statically; import it with await import() where it is used:\n  ${shown.join('\n  ')}`).toEqual([]);
  });
});

describe("what a start loads of Node's own modules (scripts/lean-oclif.ts)", () => {
  // Node records every built-in module it loads: what a run loaded, reported on stderr's last line at exit.
  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const report = 'process.on("exit", () => process.stderr.write("\\n" + JSON.stringify(process.moduleLoadList)))';
    const result = await runProgram(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(report)}`, path.join(repoRoot, 'bin', 'run.js'), ...args],
      { env },
    );
    const lines = result.stderr.split('\n');
    return { ...result, stderr: lines.slice(0, -1).join('\n'), modules: JSON.parse(lines.at(-1)!) as string[] };
  };
  const deferred = (modules: string[]) => modules.filter((name) => /^NativeModule (child_process|perf_hooks|readline|tty)$/.test(name));

  it('version, its output to pipes, loads none of child_process, perf_hooks, readline and tty (oclif requires them at load)', async () => {
    const { code, stdout, stderr, modules } = await run(['version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^kubectl-sa v/);
    expect(stderr).toBe('');
    expect(modules).toContain('NativeModule fs');
    expect(deferred(modules)).toEqual([]);
  });

  it("DEBUG still shows oclif's debug output: the debug package (and tty, for its colours) is loaded when DEBUG is set", async () => {
    const { code, stdout, stderr, modules } = await run(['version'], { DEBUG: 'oclif:config' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^kubectl-sa v/);
    expect(stderr).toMatch(/oclif:config config done/);
    expect(deferred(modules)).toEqual(['NativeModule tty']);
  });
});

describe("what the standalone binaries' program loads of Node's own modules (dist/kubectl-sa.cjs)", () => {
  // As src/cli/sea-main.ts runs it, in a fresh Node with its stdin a file (/dev/null): Node makes process.stdin, a
  // file stream, only when something reads it, and that loads node:fs/promises (with readline and fs watchers), which
  // oclif's theme file would also load were it read through node:fs/promises.
  const run = (args: string[]) => {
    const script = [
      "const { readFileSync, writeSync } = require('node:fs');",
      "const { Script } = require('node:vm');",
      'const before = new Set(process.moduleLoadList);',
      "process.on('exit', () => writeSync(2, '\\n' + JSON.stringify(process.moduleLoadList.filter((name) => !before.has(name)))));",
      'const module = { exports: {} };',
      "new Script(readFileSync(process.argv[1], 'latin1'), { filename: 'kubectl-sa.cjs' }).runInThisContext()(module.exports, require, module);",
      'module.exports.runAsProgram(process.cwd());',
    ].join('\n');
    const result = spawnSync(process.execPath, ['-e', script, path.join(repoRoot, 'dist', 'kubectl-sa.cjs'), ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = result.stderr.split('\n');
    return { code: result.status, stdout: result.stdout, modules: JSON.parse(lines.at(-1)!) as string[] };
  };
  const unread = (modules: string[]) =>
    modules.filter((name) => /^NativeModule (internal\/)?(fs\/promises|readline\/interface)$/.test(name));

  it.each([['version'], ['--help'], ['version', '-o', 'json'], ['scan', '--help']])(
    '%s reads no stdin, loads no node:fs/promises, and no tty (its output going to pipes)',
    (...args) => {
      const { code, stdout, modules } = run(args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/kubectl-sa|kubectlSa|kubectl sa/);
      expect(modules.length).toBeGreaterThan(10);
      expect(unread(modules)).toEqual([]);
      expect(modules).not.toContain('NativeModule tty');
    },
  );

  it('reads stdin when a command asks for it: scan -f - on an empty stdin says so (and then has loaded them)', () => {
    const { code, modules } = run(['scan', '-f', '-']);
    expect(code).not.toBe(0);
    expect(unread(modules).length).toBeGreaterThan(0);
  });
});
