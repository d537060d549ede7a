import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { MODULE_WRAPPER_KEY, moduleWrappersNamedAlike } from '../../scripts/module-wrappers.js';
import { SEA_EXEC_ARGV } from '../../scripts/release/targets.js';
import { builtinModulesOnly, loadProgram, programAsset, programText, SEA_ASSETS, startCodeCacheFor } from '../../src/cli/sea-program.js';
import { repoRoot, runCli, runProgram } from '../helpers/cli.js';

const packageVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe('the bundle, dist/kubectl-sa.js', () => {
  const alone = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-bundle-'));
  afterAll(() => rmSync(alone, { recursive: true, force: true }));

  it('carries the built-in packs and Kubernetes data: copied alone to an empty folder, it scans as from the checkout', async () => {
    copyFileSync(path.join(repoRoot, 'dist', 'kubectl-sa.js'), path.join(alone, 'kubectl-sa.mjs'));
    const args = ['scan', '-f', path.join(repoRoot, 'examples'), '-o', 'json'];
    const fromCheckout = await runCli(args);
    const fromAlone = await runProgram(process.execPath, [path.join(alone, 'kubectl-sa.mjs'), ...args], { cwd: alone });
    expect(fromAlone.stderr).toBe(fromCheckout.stderr);
    expect(fromAlone.code).toBe(fromCheckout.code);
    expect(fromAlone.stdout).toBe(fromCheckout.stdout);
    const report = JSON.parse(fromAlone.stdout) as { findings: { ruleId: string }[] };
    expect(new Set(report.findings.map((finding) => finding.ruleId)).size).toBeGreaterThan(3);
  });

  it('fixes from the bundle copied alone: a built-in fix with a where schema (precompiled) and a custom pack’s fix', async () => {
    copyFileSync(path.join(repoRoot, 'dist', 'kubectl-sa.js'), path.join(alone, 'kubectl-sa.mjs'));
    const work = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-bundle-fix-'));
    cpSync(path.join(repoRoot, 'examples', 'insecure'), work, { recursive: true });
    writeFileSync(
      path.join(work, 'team.pack.yaml'),
      [
        'apiVersion: kubectl-sa.dev/v1',
        'kind: PolicyPack',
        'metadata: {name: team, version: 1.0.0}',
        'rules:',
        '  - id: TEAM001',
        '    title: ServiceAccounts name their team',
        '    severity: low',
        '    target: ServiceAccount',
        '    assert: {type: object, required: [metadata], properties: {metadata: {type: object, required: [labels]}}}',
        '    message: "ServiceAccount {{metadata.name}} has no labels"',
        '    remediation: Label it.',
        '    fix: team-label',
        'fixes:',
        '  - id: team-label',
        '    title: label the ServiceAccount with its namespace',
        '    patch:',
        '      - {op: add, path: /metadata/labels, value: {team: "{{metadata.namespace}}"}}',
        '',
      ].join('\n'),
    );
    const result = await runProgram(
      process.execPath,
      [
        path.join(alone, 'kubectl-sa.mjs'),
        'fix',
        '-f',
        work,
        '--policy',
        path.join(work, 'team.pack.yaml'),
        '--rule',
        'SA007',
        '--rule',
        'TEAM001',
        '--write',
        '--yes',
      ],
      { cwd: alone, env: { XDG_STATE_HOME: path.join(work, 'state') } },
    );
    expect(result.stderr).toMatch(/^wrote 3 file\(s\); backup: /m);
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(work, 'reporting.yaml'), 'utf8')).toContain('expirationSeconds: 3600');
    expect(readFileSync(path.join(work, 'shop-namespace.yaml'), 'utf8')).toMatch(
      /name: default\n {2}namespace: shop\n {2}labels:\n {4}team: shop\n/,
    );
  });

  it('names built-in packs as <built-in>/policies/…, not as files on the user’s disk', async () => {
    const result = await runCli(['policy', 'show', 'SA001']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\(<built-in>\/policies\/serviceaccount\.yaml:\d+\)/);
  });

  it('says package.json’s version for version, version -o json and --version', async () => {
    const plain = await runCli(['version']);
    expect(plain.stdout).toMatch(
      new RegExp(`^kubectl-sa v${packageVersion.replaceAll('.', '\\.')} \\(node \\d+\\.\\d+\\.\\d+, \\w+/\\w+\\)\\n$`),
    );
    expect((await runCli(['--version'])).stdout).toBe(plain.stdout);
    expect(JSON.parse((await runCli(['version', '-o', 'json'])).stdout)).toMatchObject({ kubectlSa: packageVersion });
    expect(JSON.parse((await runCli(['--version', '-o', 'json'])).stdout)).toMatchObject({ kubectlSa: packageVersion });
  });
});

describe('the standalone binaries’ program, dist/kubectl-sa.cjs', () => {
  // As a single executable runs it (src/cli/sea-main.ts): compiled from its text, with a require that serves
  // Node's own modules only. The linux/amd64 binary itself runs in test/dist/krew-install.test.ts.
  const text = readFileSync(path.join(repoRoot, 'dist', 'kubectl-sa.cjs'), 'utf8');
  const { program } = loadProgram(
    text,
    undefined,
    builtinModulesOnly((id) => process.getBuiltinModule(id)),
  );

  async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const [stdout, stderr] = [new PassThrough(), new PassThrough()];
    const text = { stdout: '', stderr: '' };
    stdout.on('data', (chunk: Buffer) => (text.stdout += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (text.stderr += chunk.toString()));
    const env = { ...process.env, NO_COLOR: '1' };
    const code = await program.main(args, { root: repoRoot, streams: { stdin: Readable.from([]), stdout, stderr, env } });
    return { code, ...text };
  }

  it('scans examples/ as the bundle does, with the built-in packs inside it', async () => {
    const args = ['scan', '-f', path.join(repoRoot, 'examples'), '-o', 'json'];
    const [fromProgram, fromBundle] = await Promise.all([run(args), runCli(args)]);
    expect(fromProgram).toEqual(fromBundle);
    expect(fromProgram.code).toBe(1);
  });

  it('says the version the bundle says', async () => {
    const [fromProgram, fromBundle] = await Promise.all([run(['version', '-o', 'json']), runCli(['version', '-o', 'json'])]);
    expect(fromProgram).toEqual(fromBundle);
    expect(JSON.parse(fromProgram.stdout)).toMatchObject({ kubectlSa: packageVersion });
  });
});

describe('module wrappers named alike (scripts/module-wrappers.ts)', () => {
  it('renames the method of every __esm and __commonJS wrapper, whatever its path, and nothing else', () => {
    const text = [
      'var init_a=__esm({"src/a.ts"(){x=1}});',
      'var require_b=__commonJS({"node_modules/b/index.js"(exports,module){module.exports="__esm({\\"x\\"("}});',
      'var require_c=__commonJS({"lazy-builtin:node:fs"(exports,module){}});',
      'var s="__esm({";',
    ].join('');
    const { text: renamed, wrappers } = moduleWrappersNamedAlike(text);
    expect(wrappers).toBe(3);
    expect(renamed).toBe(
      [
        `var init_a=__esm({${MODULE_WRAPPER_KEY}(){x=1}});`,
        `var require_b=__commonJS({${MODULE_WRAPPER_KEY}(exports,module){module.exports="__esm({\\"x\\"("}});`,
        `var require_c=__commonJS({${MODULE_WRAPPER_KEY}(exports,module){}});`,
        'var s="__esm({";',
      ].join(''),
    );
  });

  it('leaves no wrapper named after its path in the bundles, and the runtime calls the first method, whatever its name', () => {
    for (const file of ['kubectl-sa.js', 'kubectl-sa.cjs']) {
      const text = readFileSync(path.join(repoRoot, 'dist', file), 'utf8');
      expect(text).not.toMatch(/__(esm|commonJS)\(\{"/);
      expect(text.split(`__commonJS({${MODULE_WRAPPER_KEY}(`).length).toBeGreaterThan(100);
      expect(text).toContain('(0,cb[__getOwnPropNames(cb)[0]])');
      expect(text).toContain('(0,fn[__getOwnPropNames(fn)[0]])');
    }
  });
});

describe('the bundles are ASCII (scripts/build.ts), so V8 keeps their text one byte a character', () => {
  it.each(['kubectl-sa.js', 'kubectl-sa.cjs'])('dist/%s', (file) => {
    const text = readFileSync(path.join(repoRoot, 'dist', file), 'utf8');
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(/[^\u0000-\u007f]/.exec(text)?.index).toBeUndefined();
    // ansis' regular expression for escape sequences, its ESC and CSI written as escapes
    expect(text).toContain('/[\\x1b\\x9b][[()#;?]*');
  });
});

describe("the program as the binaries keep it (src/cli/sea-program.ts's programAsset)", () => {
  it('gives back the very text of dist/kubectl-sa.cjs, one byte a character', () => {
    const text = readFileSync(path.join(repoRoot, 'dist', 'kubectl-sa.cjs'), 'utf8');
    const asset = programAsset(text);
    expect(asset.length).toBe(text.length);
    expect(programText(asset)).toBe(text);
    // as getRawAsset gives it: an ArrayBuffer of its own
    expect(programText(new Uint8Array(asset).buffer)).toBe(text);
  });

  it('refuses a text that Latin-1 cannot hold, naming the character', () => {
    expect(() => programAsset('const a = "\u00e9";\nconst b = "\u2192";')).toThrow(/U\+2192 at character 26/);
  });
});

describe("the binaries' Node options (scripts/release/targets.ts's SEA_EXEC_ARGV)", () => {
  it('leave V8 accepting a code cache made without them: Node’s own and the program’s stay valid', () => {
    // A code cache carries a hash of V8's flags; one made by a Node without the options must be taken by a Node with them.
    const script = [
      "const { Script } = require('node:vm');",
      "const source = 'function f(a) { return a * 2 } f(21)';",
      'const [mode, cache] = process.argv.slice(1);',
      "if (mode === 'make') process.stdout.write(Buffer.from(new Script(source).createCachedData()).toString('base64'));",
      "else process.stdout.write(String(new Script(source, { cachedData: Buffer.from(cache, 'base64') }).cachedDataRejected));",
    ].join('\n');
    const cache = execFileSync(process.execPath, ['-e', script, 'make'], { encoding: 'utf8' });
    expect(cache.length).toBeGreaterThan(10);
    expect(execFileSync(process.execPath, [...SEA_EXEC_ARGV, '-e', script, 'use', cache], { encoding: 'utf8' })).toBe('false');
    // … where an option in the hash would have it rejected (what the test would see if V8 began hashing ours)
    expect(execFileSync(process.execPath, ['--no-sparkplug', '-e', script, 'use', cache], { encoding: 'utf8' })).toBe('true');
  });
});

describe("the code cache a start of the binary loads (src/cli/sea-program.ts's startCodeCacheFor)", () => {
  it.each([
    ['version'],
    ['version', '-o', 'json'],
    ['--version'],
    ['--help'],
    ['-h'],
    ['help', 'scan'],
    ['scan', '--help'],
    ['who-can', '-h'],
  ])('%s: the start cache, of version and help', (...argv) => expect(startCodeCacheFor(argv)).toBe(SEA_ASSETS.startCodeCache));
  it.each([[], ['scan', '-f', 'examples/'], ['who-can', 'create', 'pods', '-A'], ['-n', 'team'], ['token', 'inspect', '-']])(
    '%s: the full cache',
    (...argv) => expect(startCodeCacheFor(argv)).toBe(SEA_ASSETS.codeCache),
  );
});
