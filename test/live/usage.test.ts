import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UsageReport } from '../../src/app/audit-usage.js';
import { replay, replayScript, send, setUpReplay, type ReplayCluster } from '../helpers/audit-replay.js';
import { runCli } from '../helpers/cli.js';
import { apply, freshNamespace, kubectl, liveCluster } from './kube.js';

/**
 * ServiceAccounts replay requests with their own tokens against the live control plane; its audit log
 * (Metadata level, as the harness writes it) is what `usage` and `role generate --from-audit` read.
 */
describe('usage and role generate on the live API server’s own audit log', () => {
  let ns = '';
  let tokens: Record<string, string> = {};
  let cluster: ReplayCluster;
  const auditLog = () => liveCluster().auditLogPath ?? '';
  const admin = () => ['--kubeconfig', liveCluster().kubeconfigPath];

  beforeAll(async () => {
    ns = await freshNamespace('usage');
    cluster = {
      server: liveCluster().server,
      caPem: readFileSync(liveCluster().caFile, 'utf8'),
      kubectl: (args, input) => kubectl(args, input === undefined ? {} : { input }),
    };
    tokens = await setUpReplay(cluster, ns);
    await replay(cluster, ns, tokens);
    // The log backend writes each event as the request completes; wait until the last one is there.
    for (let attempt = 0; attempt < 100; attempt++) {
      if (readFileSync(auditLog(), 'utf8').includes(`"impersonatedUser":{"username":"system:serviceaccount:${ns}:cart"`)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the audit log never recorded the replay');
  });

  it('reports what each ServiceAccount did, joined with the live cluster: alerts, unused ServiceAccounts, unused grants', async () => {
    const result = await runCli(['usage', '--audit-log', auditLog(), '-n', ns, '-o', 'json', ...admin()]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as UsageReport;
    const usage = (name: string) => report.serviceAccounts.find((account) => account.name === name);
    expect(report.serviceAccounts.every((account) => account.namespace === ns)).toBe(true);
    expect(usage('cart')?.requests.find((row) => row.verb === 'list' && row.resource === 'secrets')).toMatchObject({
      denied: 1,
      allowed: 0,
    });
    expect(usage('cart')?.pods).toEqual([expect.objectContaining({ value: 'cart-0' })]);
    expect(usage('legacy')?.legacyTokens).toEqual([expect.objectContaining({ secret: 'legacy-token', kind: 'manual' })]);
    expect(usage('default')?.alerts.map((alert) => alert.id)).toEqual(['default-sa-call', 'rbac-denied']);
    const joined = (name: string) => report.inventory?.serviceAccounts.find((account) => account.name === name);
    expect(report.inventory?.origin).toBe('cluster');
    expect(joined('idle')).toMatchObject({ unused: true, holdsRights: true });
    expect(joined('cart')?.grants.find((grant) => grant.rule.resources?.includes('deployments'))).toMatchObject({ status: 'unused' });
  });

  it('generates the Role cart needs; applied in place of its own, the replayed requests get the same answers and nothing else is allowed', async () => {
    const diff = await runCli(['role', 'generate', '--from-audit', auditLog(), '--sa', `${ns}:cart`, '--names', '--diff', ...admin()]);
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toContain(`- RoleBinding/${ns}/cart → Role/${ns}/cart in ${ns}: [delete] deployments.apps`);

    const generated = await runCli(['role', 'generate', '--from-audit', auditLog(), '--sa', `${ns}:cart`, '--names']);
    expect(generated.code, generated.stderr).toBe(0);
    await kubectl(['-n', ns, 'delete', 'rolebinding', 'cart']);
    await apply(generated.stdout);
    const cartSteps = replayScript(ns).filter((step) => step.serviceAccount === 'cart');
    // RBAC is informer-fed: wait until the new binding applies and the old one is gone.
    for (let attempt = 0; attempt < 100; attempt++) {
      const statuses = await Promise.all([
        send(cluster, tokens.cart ?? '', {
          serviceAccount: 'cart',
          method: 'GET',
          path: `/api/v1/namespaces/${ns}/pods/cart-0`,
          expect: 200,
        }),
        send(cluster, tokens.cart ?? '', {
          serviceAccount: 'cart',
          method: 'DELETE',
          path: `/apis/apps/v1/namespaces/${ns}/deployments/none`,
          expect: 403,
        }),
      ]);
      if (statuses[0] === 200 && statuses[1] === 403) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await replay(cluster, ns, tokens, cartSteps);

    const review = async (verb: string, resource: string, name = '', group = '') => {
      const sar = {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: `system:serviceaccount:${ns}:cart`,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
          resourceAttributes: { namespace: ns, verb, group, resource, ...(name ? { name } : {}) },
        },
      };
      const out = await kubectl(['create', '-f', '-', '-o', 'jsonpath={.status.allowed}'], { input: JSON.stringify(sar) });
      return out.trim() === 'true';
    };
    // In the log: allowed. Outside it (even what cart's old Role allowed): refused.
    expect(await review('get', 'pods', 'cart-0')).toBe(true);
    expect(await review('get', 'secrets', 'cart-tls')).toBe(true);
    expect(await review('get', 'pods', 'cart-1')).toBe(false);
    expect(await review('list', 'configmaps')).toBe(false);
    expect(await review('get', 'secrets', 'other')).toBe(false);
    expect(await review('delete', 'deployments', 'web', 'apps')).toBe(false);
    expect(await review('list', 'secrets')).toBe(false);
  });
});
