import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { UsageReport } from '../../src/app/audit-usage.js';
import { runCli } from '../helpers/cli.js';
import { harnessLogPath, harnessLogText, harnessObjectsPath, scratchDir, writeScratch } from '../helpers/audit-fixture.js';

describe('kubectl sa usage', () => {
  it('joins the log with the manifests: unused ServiceAccounts with the window, grants never used', async () => {
    const result = await runCli(['usage', '--audit-log', harnessLogPath, '-f', harnessObjectsPath]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^Audit log: 1 file\(s\), \d+ event\(s\), \d+ request\(s\), 20\d\d-\d\d-\d\dT[\d:]+Z – 20\d\d-\d\d-\d\dT[\d:]+Z\n/,
    );
    expect(result.stdout).toMatch(/\nshop\/cart +13 +2 /);
    expect(result.stdout).toMatch(
      /Unused ServiceAccounts \(no request in .*\):\nSERVICEACCOUNT +HOLDS RIGHTS +RULES HELD +BINDINGS\nshop\/idle +yes +\d+ +RoleBinding\/shop\/idle\n/,
    );
    expect(result.stdout).toMatch(
      /shop\/cart +unused +RoleBinding\/shop\/cart → Role\/shop\/cart +shop +\[delete\] deployments\.apps +all of it/,
    );
  });

  it('-o json is the whole report; the same from stdin with --log-only, minus the inventory', async () => {
    const json = await runCli(['usage', '--audit-log', harnessLogPath, '-f', harnessObjectsPath, '-o', 'json']);
    const report = JSON.parse(json.stdout) as UsageReport;
    expect(report.kind).toBe('ServiceAccountUsage');
    expect(report.inventory?.serviceAccounts.find((account) => account.name === 'idle')).toMatchObject({ unused: true, holdsRights: true });
    const plain = await runCli(['usage', '--audit-log', '-', '--log-only', '-o', 'yaml'], { input: harnessLogText() });
    expect(plain.code, plain.stderr).toBe(0);
    const fromStdin = load(plain.stdout) as UsageReport;
    expect(fromStdin.inventory).toBeNull();
    expect(fromStdin.serviceAccounts).toEqual(report.serviceAccounts);
  });

  it('--sa shows one ServiceAccount in full, -o markdown escapes what Markdown would read', async () => {
    const result = await runCli(['usage', '--audit-log', harnessLogPath, '--log-only', '--sa', 'shop:legacy', '-o', 'markdown']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^## kubectl-sa usage\n/);
    expect(result.stdout).toContain('### Legacy tokens used');
    expect(result.stdout).toContain('| legacy-token | manual |');
  });

  it('bad lines are a warning with their position; an empty log, a missing one, bad flags: exit 2', async () => {
    const dir = scratchDir();
    const lines = harnessLogText().split('\n');
    const mixed = writeScratch(dir, 'mixed.log', `${lines[0]}\n{"truncated\n${lines[1]}\n`);
    const ok = await runCli(['usage', '--audit-log', mixed, '--log-only']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe(
      `warning: 1 line(s) of the audit log are not audit.k8s.io/v1 events and were skipped (first: ${mixed}:2: truncated or invalid JSON)\n`,
    );
    const empty = writeScratch(dir, 'empty.log', '');
    for (const args of [
      ['usage', '--audit-log', empty, '--log-only'],
      ['usage', '--audit-log', `${dir}/nope.log`, '--log-only'],
      ['usage', '--log-only'],
      ['usage', '--audit-log', mixed, '--log-only', '--expect-source-ip', '10.0.0.300'],
      ['usage', '--audit-log', mixed, '--log-only', '-f', harnessObjectsPath],
    ]) {
      const result = await runCli(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(/^error: /);
      expect(result.stdout).toBe('');
    }
  }, 90_000);

  it('KUBECTL_SA_AUDIT_THREADS that is not a number of threads: exit 2 before reading; more than the cores reads as the cores', async () => {
    const bad = await runCli(['usage', '--audit-log', harnessLogPath, '--log-only'], { env: { KUBECTL_SA_AUDIT_THREADS: 'two' } });
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/^error: KUBECTL_SA_AUDIT_THREADS="two" is not a number of threads\nhint: /);
    expect(bad.stdout).toBe('');
    const plain = writeScratch(scratchDir(), 'audit.log', harnessLogText());
    const many = await runCli(['usage', '--audit-log', plain, '--log-only', '-o', 'json'], { env: { KUBECTL_SA_AUDIT_THREADS: '4096' } });
    const one = await runCli(['usage', '--audit-log', plain, '--log-only', '-o', 'json'], { env: { KUBECTL_SA_AUDIT_THREADS: '1' } });
    expect(many.code, many.stderr).toBe(0);
    expect(many.stdout).toBe(one.stdout);
  }, 60_000);
});

describe('kubectl sa role generate', () => {
  it('--from-audit prints manifests kubectl can apply, the same bytes twice', async () => {
    const first = await runCli(['role', 'generate', '--from-audit', harnessLogPath, '--sa', 'shop:cart', '--names']);
    const second = await runCli(['role', 'generate', '--sa', 'system:serviceaccount:shop:cart', '--names', '--from-audit', harnessLogPath]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).toMatch(/^# Least-privilege RBAC for ServiceAccount shop\/cart/);
  });

  it('--verb/--resource rules, -o json a List; --diff exits 1 when something changes, as kubectl diff', async () => {
    const json = await runCli([
      'role',
      'generate',
      '--sa',
      'shop:cart',
      '--verb',
      'get,list',
      '--resource',
      'pods',
      '--verb',
      'get',
      '--resource',
      'nodes',
      '-o',
      'json',
    ]);
    expect(json.code, json.stderr).toBe(0);
    const list = JSON.parse(json.stdout) as { kind: string; items: { kind: string; rules?: unknown }[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((item) => item.kind)).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
    expect(json.stderr).toBe('Warning: nodes is not namespaced: it is granted cluster-wide, by the ClusterRole\n');

    const diff = await runCli([
      'role',
      'generate',
      '--sa',
      'shop:cart',
      '--verb',
      'get,list,watch',
      '--resource',
      'pods',
      '--diff',
      '-f',
      harnessObjectsPath,
    ]);
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toContain('  Role/shop/kubectl-sa:cart: [get list watch] pods  (held today)\n');
    expect(diff.stdout).toContain('- RoleBinding/shop/cart → Role/shop/cart in shop: [delete] deployments.apps\n');
    const same = await runCli([
      'role',
      'generate',
      '--sa',
      'shop:legacy',
      '--verb',
      'list',
      '--resource',
      'configmaps',
      '--diff',
      '-f',
      harnessObjectsPath,
    ]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/No change/);
  }, 60_000);

  it('refuses what makes no sense, exit 2', async () => {
    for (const args of [
      ['role', 'generate', '--verb', 'get', '--resource', 'pods'],
      ['role', 'generate', '--sa', 'shop:cart'],
      ['role', 'generate', '--sa', 'shop:cart', '--from-audit', harnessLogPath, '--verb', 'get', '--resource', 'pods'],
      ['role', 'generate', '--sa', 'shop:cart', '--verb', 'get'],
    ]) {
      const result = await runCli(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
    }
  }, 60_000);
});
