import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { TmuxTerminal } from '../helpers/tmux.js';
import { apply, freshNamespace, kubectl, liveCluster, shop } from './kube.js';

/**
 * End to end on a real API server: `kubectl sa` with no command on a terminal (tmux) opens the explorer on the
 * kubeconfig's cluster, and its actions (who-can, token create) go through the same use cases as the commands.
 */

let terminal: TmuxTerminal | undefined;
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});

/** The text inside the dialog's border on the lines from `first` up to the next blank one, joined. */
function wrappedValue(screen: string, first: string): string {
  const lines = screen.split('\n').map((line) => line.replace(/^[│║]\s?/, '').replace(/\s*[│║]\s*$/, ''));
  const start = lines.findIndex((line) => line.trim() === first);
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    out.push(line.trim());
  }
  return out.join('');
}

describe('kubectl sa on a live cluster, in a terminal', { timeout: 180_000 }, () => {
  let namespace: string;
  beforeAll(async () => {
    namespace = await freshNamespace('tui');
    await apply(shop(namespace));
  });

  it('opens on the context namespace, answers who-can, and creates a token shown masked until revealed', async () => {
    const kubeconfig = liveCluster().kubeconfigPath;
    terminal = await TmuxTerminal.start(`kubectl sa --kubeconfig ${kubeconfig} -n ${namespace}`, {
      columns: 180,
      rows: 40,
      env: { NO_COLOR: '1' },
    });
    let screen = await terminal.waitFor('ServiceAccounts ·');
    expect(screen).toContain(`namespace ${namespace}`);
    expect(screen).toContain(liveCluster().server);
    // The default account: a workload runs as it with an automounted token, and a binding hands it view.
    expect(screen).toMatch(/› HIGH default +unset +1 projected/);
    expect(screen).toContain('RBAC008  RoleBinding default-reads-config gives ClusterRole');

    await terminal.press('w');
    await terminal.waitFor('who can ›');
    await terminal.type('list pods');
    await terminal.press('Enter');
    screen = await terminal.waitFor(/\d+ subject\(s\)/);
    expect(screen).toMatch(
      new RegExp(`ServiceAccount +${namespace}/default +RoleBinding/${namespace}/default-reads-config → ClusterRole/view`),
    );
    await terminal.press('Escape');
    await terminal.waitFor('ServiceAccounts ·');

    await terminal.press('t');
    await terminal.waitFor('duration');
    await terminal.press('Enter');
    screen = await terminal.waitFor('characters, hidden');
    expect(screen).toContain(`subject: system:serviceaccount:${namespace}:default`);
    expect(screen).not.toMatch(/eyJ[\w-]+\.eyJ/);
    await terminal.press('v');
    screen = await terminal.waitFor('v hides');
    const token = wrappedValue(screen, 'token:');
    expect(token).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
    // The API server itself says whose token it is.
    const review = JSON.parse(
      await kubectl(['create', '-o', 'json', '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }),
      }),
    ) as { status: { authenticated?: boolean; user?: { username?: string } } };
    expect(review.status).toMatchObject({ authenticated: true, user: { username: `system:serviceaccount:${namespace}:default` } });

    await terminal.press('Escape');
    screen = await terminal.waitFor('ServiceAccounts ·');
    expect(screen).not.toContain(token.slice(0, 40));
    await terminal.press('q');
    expect(await terminal.exitStatus()).toBe(0);
  });

  it('fixes the selected finding on the cluster: plan, y, a server dry run, the change with a backup; kubectl sees it and undo restores it', async () => {
    const fixed = await freshNamespace('tui-fix');
    await apply(shop(fixed));
    const state = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-tui-state-'));
    const kubeconfig = liveCluster().kubeconfigPath;
    terminal = await TmuxTerminal.start(`kubectl sa --kubeconfig ${kubeconfig} -n ${fixed}`, {
      columns: 180,
      rows: 45,
      env: { NO_COLOR: '1', XDG_STATE_HOME: state },
    });
    await terminal.waitFor('ServiceAccounts ·');
    await terminal.press('Enter');
    await terminal.waitFor(`╔═ ${fixed}/default`);
    await terminal.press('/');
    await terminal.type('rule:SA001');
    await terminal.press('Enter');
    await terminal.waitFor('── 1/1 of 3');
    await terminal.press('f');
    let screen = await terminal.waitFor('Nothing has been changed.');
    expect(screen).toContain(`y applies 2 change(s) to ${liveCluster().server}`);
    expect(await kubectl(['get', 'serviceaccount', 'default', '-n', fixed, '-o', 'jsonpath={.automountServiceAccountToken}'])).toBe('');

    await terminal.press('y');
    screen = await terminal.waitFor('Done.');
    expect(screen).toContain('Changed 2 object(s):');
    const backup = /undo: kubectl sa fix --undo (\S+) --dry-run=none/.exec(screen)?.[1] ?? '';
    expect(backup.startsWith(path.join(state, 'kubectl-sa', 'backups'))).toBe(true);
    // kubectl sees the fix: the default ServiceAccount opts out, and the Deployment using its permissions opts in.
    expect(await kubectl(['get', 'serviceaccount', 'default', '-n', fixed, '-o', 'jsonpath={.automountServiceAccountToken}'])).toBe(
      'false',
    );
    expect(
      await kubectl(['get', 'deployment', 'cart', '-n', fixed, '-o', 'jsonpath={.spec.template.spec.automountServiceAccountToken}']),
    ).toBe('true');

    await terminal.press('Escape');
    screen = await terminal.waitFor('refreshed');
    expect(screen).toMatch(/› HIGH default +off/);
    await terminal.press('q');
    expect(await terminal.exitStatus()).toBe(0);

    const undone = await runCli(['fix', '--undo', backup, '--dry-run=none', '--yes', '--kubeconfig', kubeconfig], {
      env: { ...process.env, XDG_STATE_HOME: state },
    });
    expect(undone.code, undone.stderr).toBe(0);
    expect(await kubectl(['get', 'serviceaccount', 'default', '-n', fixed, '-o', 'jsonpath={.automountServiceAccountToken}'])).toBe('');
  });

  it('opens on `kubectl sa` alone (the KUBECONFIG context), and says why a cluster cannot be read and how to explore files instead', async () => {
    // bob may read nothing: the explorer says so, with the API server's words, and how to look at files.
    const env = { KUBECONFIG: liveCluster().kubeconfigs.bob ?? '' };
    const command = await runCli(['scan'], { env: { ...process.env, ...env } });
    expect(command.code).not.toBe(0);
    terminal = await TmuxTerminal.start('kubectl sa', { columns: 140, rows: 30, env });
    const screen = await terminal.waitFor('error:');
    expect(screen).toMatch(/forbidden|Forbidden/);
    expect(screen).toContain('kubectl sa -f PATH');
    await terminal.press('q');
    expect(await terminal.exitStatus()).toBe(command.code);
  });

  it('says where the cluster could not be reached, and exits with the same code as the commands', async () => {
    // A kubeconfig whose server does not listen: a closed port on loopback.
    const folder = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-tui-down-'));
    const kubeconfig = path.join(folder, 'config');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: down, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: down, context: {cluster: down, user: u}}]',
        'current-context: down',
      ].join('\n'),
    );
    const command = await runCli(['scan', '--kubeconfig', kubeconfig]);
    terminal = await TmuxTerminal.start(`kubectl sa --kubeconfig ${kubeconfig}`, { columns: 140, rows: 30 });
    const screen = await terminal.waitFor('error:');
    expect(screen).toContain('127.0.0.1:1');
    expect(screen).toContain('kubectl sa -f PATH');
    await terminal.press('q');
    expect(await terminal.exitStatus()).toBe(command.code);
  });
});
