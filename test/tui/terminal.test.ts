import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { TmuxTerminal } from '../helpers/tmux.js';
import { pane, selectedIn } from './helpers.js';

/**
 * End to end: the real `kubectl sa` (kubectl finds the plugin on PATH, which runs the built bundle) in a real
 * terminal (tmux), driven by keys, judged by what the screen shows.
 */
let terminal: TmuxTerminal | undefined;
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});

/** The lines of the screen, without tmux's trailing blank rows. */
const linesOf = (screen: string) => screen.replace(/\n+$/, '').split('\n');

/** Selects a ServiceAccount by filtering the list to its name, as a user finds one, and drills in. */
async function openAccount(terminal: TmuxTerminal, key: string): Promise<void> {
  await terminal.press('/');
  await terminal.type(`name:${key}`);
  await terminal.press('Enter');
  await terminal.waitFor(new RegExp(`› \\S+\\s+${key}\\s`));
  await terminal.press('Enter');
  await terminal.waitFor(`╔═ ${key}`);
}

// A shared machine may be busy: each step waits for the screen it expects, and a test has two minutes.
describe('kubectl sa in a terminal', { timeout: 120_000 }, () => {
  it('opens on examples/ in the alternate screen, navigates, and leaves the shell screen as it was on q', async () => {
    const scanned = await runCli(['scan', '-f', 'examples/', '-o', 'json']);
    const { findings } = (JSON.parse(scanned.stdout) as { summary: { findings: number } }).summary;
    terminal = await TmuxTerminal.start('kubectl sa -f examples/', { columns: 180, rows: 40, env: { NO_COLOR: '1' } });
    let screen = await terminal.waitFor('ServiceAccounts ·');
    // examples/ hold 20 documents; the PolicyPack of examples/policies is not a cluster object. The findings are scan's.
    expect(screen).toMatch(new RegExp(`kubectl sa · files: examples/ · 19 objects · ${findings} findings`));
    // The cluster-admin ServiceAccount (examples/insecure/ci-deployer.yaml) first: see test/tui/explorer-data.test.ts.
    expect(screen).toMatch(/› CRIT shop\/ci-deployer\s+unset\s+0 legacy/);
    expect(linesOf(screen)).toHaveLength(40);

    // j selects the second row, and the detail pane follows it.
    const second = /^ {2}\S+\s+(\S+)/.exec(pane(screen, 'ServiceAccounts').split('\n')[2] ?? '')?.[1] ?? '';
    expect(second).toMatch(/^[a-z-]+\/[a-z-]+$/);
    await terminal.press('j');
    screen = await terminal.waitFor(`─ ${second} ─`);
    expect(selectedIn(screen, 'ServiceAccounts')).toContain(second);

    await openAccount(terminal, 'shop/default');
    await terminal.press('4');
    // The Workloads tab: its table's header.
    screen = await terminal.waitFor('DECIDED BY');
    expect(screen).toContain('Deployment/storefront');
    expect(screen).toContain('Deployment/cart');

    // Back to the list, and a second Esc clears its filter.
    await terminal.press('Escape');
    await terminal.waitFor('╔═ ServiceAccounts');
    await terminal.press('Escape');
    await terminal.waitFor(/ServiceAccounts · all namespaces · 6 /);
    await terminal.press('/');
    await terminal.type('rule:SA006');
    // SA006: ci-deployer's legacy token Secret was last used 2025-01-14; examples/ declare 6 ServiceAccounts.
    screen = await terminal.waitFor('1 of 6 match');
    expect(screen).toContain('shop/ci-deployer');

    await terminal.press('Escape', 'q');
    expect(await terminal.exitStatus()).toBe(0);
    // The alternate screen is gone: the terminal shows what it showed before, not the explorer.
    expect(await terminal.screen()).not.toContain('ServiceAccounts ·');
  });

  it("runs in the standalone binaries' program too (dist/kubectl-sa.cjs: CommonJS, no top-level await)", async () => {
    terminal = await TmuxTerminal.start(`node test/helpers/run-cjs-program.mjs -f examples/`, { columns: 160, rows: 30 });
    const screen = await terminal.waitFor('ServiceAccounts ·');
    expect(screen).toMatch(/› CRIT shop\/ci-deployer/);
    await terminal.press('q');
    expect(await terminal.exitStatus()).toBe(0);
  });

  it('lays out again when the terminal is resized, and is never taller than it', async () => {
    terminal = await TmuxTerminal.start('kubectl sa -f examples/', { columns: 200, rows: 50 });
    await terminal.waitFor('ServiceAccounts ·');
    expect(await terminal.screen()).toContain('Namespaces');
    await terminal.resize(80, 24);
    const narrow = await terminal.waitFor(/^(?![\s\S]*Namespaces)[\s\S]*ServiceAccounts ·/);
    const lines = linesOf(narrow);
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(lines[0]).toContain('kubectl sa');
    expect(lines.at(-1)).toContain('quit');
    await terminal.resize(160, 40);
    await terminal.waitFor('Namespaces');
    await terminal.press('q');
    expect(await terminal.exitStatus()).toBe(0);
  });

  it('colours severities on a colour terminal (also where CI is set) and not with NO_COLOR, spelling them out either way', async () => {
    // CI set: chalk, through which Ink colours, would turn colour off on its own; a terminal is a terminal.
    terminal = await TmuxTerminal.start('kubectl sa -f examples/', { columns: 180, rows: 30, env: { CI: 'true' } });
    await terminal.waitFor('ServiceAccounts ·');
    const coloured = await terminal.screen({ escapes: true });
    expect(coloured).toMatch(/\u001B\[[0-9;]*31m/);
    await terminal.press('q');
    await terminal.close();

    terminal = await TmuxTerminal.start('kubectl sa -f examples/', { columns: 180, rows: 30, env: { NO_COLOR: '1' } });
    await terminal.waitFor('ServiceAccounts ·');
    const plain = await terminal.screen({ escapes: true });
    expect(plain).not.toMatch(/\u001B\[[0-9;]*3[0-7]m/);
    expect(plain).toContain('CRIT');
  });

  it('reads manifests piped to -f - and takes its keys from the terminal', async () => {
    terminal = await TmuxTerminal.start(`sh -c 'for file in examples/insecure/*.yaml; do echo ---; cat "$file"; done | kubectl sa -f -'`, {
      columns: 180,
      rows: 30,
    });
    const screen = await terminal.waitFor('ServiceAccounts ·');
    expect(screen).toContain('files: -');
    expect(screen).toContain('shop/ci-deployer');
    expect(screen).not.toContain('payments');
    // r reads again: stdin was kept, not lost.
    await terminal.press('r');
    await terminal.waitFor('refreshed');
    expect(await terminal.screen()).toContain('shop/ci-deployer');
    await terminal.press('q');
    expect(await terminal.exitStatus()).toBe(0);
  });

  it('fixes the selected finding in the manifests: plan and diff, y writes with a backup, and fix --undo restores it', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-tui-fix-'));
    cpSync(path.join(repoRoot, 'examples'), folder, { recursive: true });
    const state = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-tui-state-'));
    const manifest = path.join(folder, 'insecure', 'shop-namespace.yaml');
    const original = readFileSync(manifest, 'utf8');
    terminal = await TmuxTerminal.start(`kubectl sa -f ${folder}`, {
      columns: 160,
      rows: 45,
      env: { NO_COLOR: '1', XDG_STATE_HOME: state },
    });
    const findingsBefore = Number(/ · (\d+) findings/.exec(await terminal.waitFor('ServiceAccounts ·'))?.[1]);
    await openAccount(terminal, 'shop/default');
    await terminal.press('/');
    await terminal.type('rule:SA001');
    await terminal.press('Enter');
    await terminal.waitFor(/── 1\/1 of \d+/);
    await terminal.press('f');
    let screen = await terminal.waitFor('Nothing has been changed.');
    expect(screen).toContain('+automountServiceAccountToken: false');
    expect(readFileSync(manifest, 'utf8')).toBe(original);

    await terminal.press('y');
    screen = await terminal.waitFor('Done.');
    const backup = /undo: kubectl sa fix --undo (\S+) --write/.exec(screen)?.[1] ?? '';
    expect(backup.startsWith(path.join(state, 'kubectl-sa', 'backups'))).toBe(true);
    const fixed = readFileSync(manifest, 'utf8');
    expect(fixed).toContain('  namespace: shop\nautomountServiceAccountToken: false\n');
    // Everything else of the file is as it was: comments and the other documents.
    expect(fixed.replace(/\n *automountServiceAccountToken: (true|false)/g, '')).toBe(original);

    // Esc reads the files again: the default ServiceAccount now opts out, and SA001 is gone (the workloads that
    // opted in were not flagged for their token: nothing new).
    await terminal.press('Escape');
    screen = await terminal.waitFor('refreshed');
    expect(selectedIn(screen, 'ServiceAccounts')).toMatch(/shop\/default\s+off/);
    expect(screen).toContain(` · ${findingsBefore - 1} findings`);
    await terminal.press('q');
    expect(await terminal.exitStatus()).toBe(0);

    const undone = await runCli(['fix', '--undo', backup, '--write', '--yes'], { env: { ...process.env, XDG_STATE_HOME: state } });
    expect(undone.code, undone.stderr).toBe(0);
    expect(readFileSync(manifest, 'utf8')).toBe(original);
  });

  it('refuses an empty input as every command does (exit 2 on q), and opens on it with --allow-empty', async () => {
    const empty = path.join(mkdtempSync(path.join(tmpdir(), 'kubectl-sa-tui-empty-')), 'empty.yaml');
    writeFileSync(empty, '# rendered nothing\n---\n');
    terminal = await TmuxTerminal.start(`kubectl sa -f ${empty}`, { columns: 120, rows: 20 });
    expect(await terminal.waitFor('error:')).toContain('no objects passed');
    await terminal.press('q');
    expect(await terminal.exitStatus()).toBe(2);
    await terminal.close();

    terminal = await TmuxTerminal.start(`kubectl sa -f ${empty} --allow-empty`, { columns: 120, rows: 20 });
    expect(await terminal.waitFor('ServiceAccounts ·')).toContain('0 findings');
    await terminal.press('q');
    expect(await terminal.exitStatus()).toBe(0);
  });

  it('says what is wrong with a broken manifest, and exits 2 on q', async () => {
    terminal = await TmuxTerminal.start('kubectl sa -f test/fixtures/does-not-exist.yaml', { columns: 120, rows: 20 });
    const screen = await terminal.waitFor('error:');
    expect(screen).toContain('does-not-exist.yaml');
    await terminal.press('q');
    expect(await terminal.exitStatus()).toBe(2);
  });
});
