import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { apply, freshNamespace, kubectl, liveCluster, waitUntilAllowed } from './kube.js';

interface UnreadJson {
  readonly kind: string;
  readonly namespace?: string;
  readonly reason: string;
}

/**
 * The guide's "unknown, never a finding" for the RBAC answers: alice may read the ServiceAccounts and Pods of
 * the shop namespace and no RBAC at all, so she cannot see that ci-deployer is bound to cluster-admin. What she
 * gets must say unknown (exit 4), never "no"; the admin, who reads everything, gets the real answer.
 */
describe('RBAC answers for a user who may not read RBAC', () => {
  let shop: string;
  let crb: string;
  const alice = () => ['--kubeconfig', liveCluster().kubeconfigs.alice ?? ''];
  const admin = () => ['--kubeconfig', liveCluster().kubeconfigPath];

  beforeAll(async () => {
    shop = await freshNamespace('shop');
    crb = `ci-deployer-admin-${shop}`;
    // examples/insecure/ as the README applies it, in a namespace of this test's own (and its ClusterRoleBinding
    // under a name of its own), so that no other test file's cluster-wide answers see it for long.
    const manifests = readdirSync('examples/insecure')
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => readFileSync(join('examples/insecure', file), 'utf8'))
      .join('\n---\n')
      .replace(/^(\s*(?:namespace|name): |\s*name: system:serviceaccounts:)shop$/gm, `$1${shop}`)
      .replace(/name: ci-deployer-admin$/m, `name: ${crb}`);
    expect(manifests).toContain(`name: ${crb}`);
    await apply(manifests);
    await kubectl(['-n', shop, 'create', 'role', 'sa-reader', '--verb=get,list', '--resource=serviceaccounts,pods']);
    await kubectl(['-n', shop, 'create', 'rolebinding', 'sa-reader', '--role=sa-reader', '--user=alice']);
    await waitUntilAllowed('alice', ['list', 'pods', '-n', shop]);
    // The authorizer itself says it: ci-deployer may create pods there.
    await waitUntilAllowed(`system:serviceaccount:${shop}:ci-deployer`, ['create', 'pods', '-n', shop]);
  });

  afterAll(async () => {
    await kubectl(['delete', 'clusterrolebinding', crb, '--ignore-not-found']);
  });

  it('can-i answers unknown (exit 4), naming the RBAC lists it could not read, where the admin gets yes', async () => {
    const asked = ['can-i', 'create', 'pods', '--sa', `${shop}:ci-deployer`, '-n', shop];
    const control = await runCli([...asked, ...admin()]);
    expect(`${control.stdout}${control.code}`, control.stderr).toBe('yes\n0');

    const result = await runCli([...asked, ...alice()]);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toMatch(/^unknown: could not read /);
    expect(result.stdout).toContain('ClusterRoleBindings (forbidden)');
    expect(result.stdout).not.toMatch(/^no$/m);
    // stderr says what each list means for this answer, not scan's "findings … may be missing".
    expect(result.stderr).toContain(
      `warning: could not read ClusterRoleBindings (forbidden): one of them may allow system:serviceaccount:${shop}:ci-deployer to create pods in namespace ${shop}`,
    );
    expect(result.stderr).not.toContain('may be missing');

    const json = await runCli([...asked, ...alice(), '-o', 'json']);
    expect(json.code).toBe(4);
    const report = JSON.parse(json.stdout) as { answer: string; allowed: boolean; unread: UnreadJson[] };
    expect(report.answer).toBe('unknown');
    expect(report.allowed).toBe(false);
    // alice may list none of the four RBAC kinds, in any namespace: each could allow it.
    expect(report.unread).toEqual([
      { kind: 'ClusterRoleBinding', reason: 'forbidden' },
      { kind: 'ClusterRole', reason: 'forbidden' },
      { kind: 'RoleBinding', namespace: shop, reason: 'forbidden' },
      { kind: 'Role', namespace: shop, reason: 'forbidden' },
    ]);

    const quiet = await runCli([...asked, ...alice(), '-q']);
    expect(`${quiet.stdout}${quiet.code}`).toBe('4');
  });

  it('who-can lists what it can prove, says the list is incomplete and why (exit 4); the admin gets ci-deployer, exit 0', async () => {
    const asked = ['who-can', 'create', 'pods', '-n', shop];
    const control = await runCli([...asked, ...admin(), '-o', 'json']);
    expect(control.code, control.stderr).toBe(0);
    const full = JSON.parse(control.stdout) as {
      complete: boolean;
      unread: UnreadJson[];
      subjects: { subject: { name: string; namespace?: string } }[];
    };
    expect(full.complete).toBe(true);
    expect(full.unread).toEqual([]);
    expect(full.subjects.some(({ subject }) => subject.namespace === shop && subject.name === 'ci-deployer')).toBe(true);

    const table = await runCli([...asked, ...alice()]);
    expect(table.code, table.stderr).toBe(4);
    expect(table.stdout).not.toContain('No subject is allowed through RBAC.');
    expect(table.stdout).toContain(
      'Incomplete: could not read ClusterRoleBindings (forbidden), ClusterRoles (forbidden), ' +
        `RoleBindings in namespace ${shop} (forbidden), Roles in namespace ${shop} (forbidden): more subjects may be allowed than listed.`,
    );
    expect(table.stderr).not.toContain('may be missing');

    const json = await runCli([...asked, ...alice(), '-o', 'json']);
    expect(json.code).toBe(4);
    const partial = JSON.parse(json.stdout) as { complete: boolean; unread: UnreadJson[]; subjects: unknown[] };
    expect(partial.complete).toBe(false);
    expect(partial.subjects).toEqual([]);
    expect(partial.unread.map((entry) => entry.kind)).toEqual(['ClusterRoleBinding', 'ClusterRole', 'RoleBinding', 'Role']);
  });

  it('permissions and matrix say the answer is incomplete, and mark nothing denied', async () => {
    const permissions = await runCli(['permissions', `${shop}:ci-deployer`, '-n', shop, ...alice(), '-o', 'json']);
    expect(permissions.code, permissions.stderr).toBe(4);
    const held = JSON.parse(permissions.stdout) as { complete: boolean; unread: UnreadJson[] };
    expect(held.complete).toBe(false);
    // Its rules anywhere: the RoleBindings of every namespace count.
    expect(held.unread).toContainEqual({ kind: 'RoleBinding', reason: 'forbidden' });

    const matrix = await runCli(['matrix', `${shop}:ci-deployer`, '-n', shop, '--verbs', 'get,create', ...alice(), '-o', 'json']);
    expect(matrix.code, matrix.stderr).toBe(4);
    const cells = JSON.parse(matrix.stdout) as { complete: boolean; rows: { resource: string; access: Record<string, string> }[] };
    expect(cells.complete).toBe(false);
    expect(cells.rows.find((row) => row.resource === 'pods')?.access).toEqual({ get: 'unknown', create: 'unknown' });
    expect(cells.rows.flatMap((row) => Object.values(row.access))).not.toContain('denied');

    const control = await runCli(['matrix', `${shop}:ci-deployer`, '-n', shop, '--verbs', 'get,create', ...admin(), '-o', 'json']);
    expect(control.code, control.stderr).toBe(0);
    const allowed = JSON.parse(control.stdout) as { complete: boolean; rows: { resource: string; access: Record<string, string> }[] };
    expect(allowed.complete).toBe(true);
    expect(allowed.rows.find((row) => row.resource === 'pods')?.access).toEqual({ get: 'allowed', create: 'allowed' });
  });
});
