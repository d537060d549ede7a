import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFix } from '../../src/app/fix.js';
import { applyLive, clusterWriterFor, throughOwners } from '../../src/app/fix-live.js';
import type { InventoryEntry } from '../../src/inventory/inventory.js';
import type { KubeObject } from '../../src/inventory/kube-object.js';
import { connectCluster } from '../../src/sources/cluster/connect.js';
import { runCliInProcess } from '../helpers/cli.js';
import { apply, freshNamespace, kubectl, liveCluster, shop, waitUntilAllowed } from './kube.js';

const admin = () => ['--kubeconfig', liveCluster().kubeconfigPath];
const json = async (args: string[]) =>
  JSON.parse(await kubectl([...args, '-o', 'json', '--show-managed-fields'])) as KubeObject & Record<string, unknown>;
const state = () => ({ XDG_STATE_HOME: mkdtempSync(path.join(tmpdir(), 'kubectl-sa-state-')) });
/** The fix use case's plan for the findings of `rules` in a namespace of the live cluster (read as admin). */
const planLive = (namespace: string, rules: string[]) =>
  planFix({
    input: { paths: [], cluster: { kubeconfig: liveCluster().kubeconfigPath, namespace } },
    policies: { includeBuiltIn: true },
    now: new Date(),
    defaultRbac: true,
    selection: { rules },
  });

describe('kubectl sa fix on a live cluster', () => {
  it('defaults to a server dry run that changes nothing; --dry-run=none applies as field manager kubectl-sa; a second run is already compliant; undo restores', async () => {
    const namespace = await freshNamespace('fix');
    await apply(shop(namespace));
    const env = state();
    const before = await json(['get', 'deployment', 'cart', '-n', namespace]);

    const dry = await runCliInProcess(['fix', '-n', namespace, '--rule', 'SA001', '--rule', 'SA002', '-o', 'json', ...admin()], { env });
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan).toMatchObject({ kind: 'FixPlan', origin: 'cluster', dryRun: 'server' });
    expect(
      plan.changes
        .map(
          (change: { action: string; object: { kind: string; name: string }; outcome: string }) =>
            `${change.action} ${change.object.kind}/${change.object.name} ${change.outcome}`,
        )
        .sort(),
    ).toEqual([
      'create ServiceAccount/cart dry-run',
      'patch Deployment/cart dry-run',
      'patch RoleBinding/default-reads-config dry-run',
      'patch ServiceAccount/default dry-run',
    ]);
    const deploymentChange = plan.changes.find((change: { object: { kind: string } }) => change.object.kind === 'Deployment');
    expect(deploymentChange.diff).toContain('-      serviceAccountName: default\n');
    expect(deploymentChange.diff).toContain('+      serviceAccountName: cart\n');
    // The workload kept its RBAC through the binding, so its pods are opted in to a token explicitly.
    expect(deploymentChange.diff).toContain('+      automountServiceAccountToken: true\n');
    // Only what the fix changes: kubectl apply's annotation (dropped from what kubectl-sa reads) is no change of ours.
    expect(deploymentChange.diff).not.toContain('last-applied-configuration');
    expect(deploymentChange.diff.split('\n').filter((line: string) => /^[-+](?![-+]{2} )/.test(line))).toEqual([
      '+      automountServiceAccountToken: true',
      '-      serviceAccount: default',
      '-      serviceAccountName: default',
      '+      serviceAccount: cart',
      '+      serviceAccountName: cart',
    ]);
    expect((await json(['get', 'deployment', 'cart', '-n', namespace])).metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(await kubectl(['get', 'serviceaccounts', '-n', namespace, '-o', 'name'])).toBe('serviceaccount/default\n');

    const applied = await runCliInProcess(
      ['fix', '-n', namespace, '--rule', 'SA001', '--rule', 'SA002', '--dry-run=none', '--yes', ...admin()],
      { env },
    );
    expect(applied.code).toBe(0);
    const backup = /backup: (\S+)/.exec(applied.stderr)?.[1] ?? '';
    expect(backup).not.toBe('');
    const deployment = await json(['get', 'deployment', 'cart', '-n', namespace]);
    expect(deployment).toMatchObject({ spec: { template: { spec: { serviceAccountName: 'cart', automountServiceAccountToken: true } } } });
    expect(
      ((deployment.metadata as { managedFields?: { manager: string }[] }).managedFields ?? []).map((field) => field.manager),
    ).toContain('kubectl-sa');
    expect(await json(['get', 'serviceaccount', 'cart', '-n', namespace])).toMatchObject({ automountServiceAccountToken: false });
    expect(await json(['get', 'serviceaccount', 'default', '-n', namespace])).toMatchObject({ automountServiceAccountToken: false });
    expect((await json(['get', 'rolebinding', 'default-reads-config', '-n', namespace])).subjects).toEqual([
      { kind: 'ServiceAccount', name: 'default', namespace },
      { kind: 'ServiceAccount', name: 'cart', namespace },
    ]);

    const again = await runCliInProcess(
      ['fix', '-n', namespace, '--rule', 'SA001', '--rule', 'SA002', '--dry-run=none', '--yes', ...admin()],
      { env },
    );
    expect(again.stdout).toContain('Nothing to change: already compliant');

    // Undo follows the same rules: a server dry run first, which must not delete what the fix created.
    const preview = await runCliInProcess(['fix', '--undo', backup, ...admin()], { env });
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(`delete ServiceAccount ${namespace}/cart (created by the fix)`);
    expect(await kubectl(['get', 'serviceaccounts', '-n', namespace, '-o', 'name'])).toContain('serviceaccount/cart');
    const previewJson = JSON.parse((await runCliInProcess(['fix', '--undo', backup, '-o', 'json', ...admin()], { env })).stdout);
    expect(previewJson).toMatchObject({ kind: 'FixUndo', origin: 'cluster', dryRun: 'server' });
    expect(
      previewJson.items.map(
        (item: { action: string; object: { kind: string; name: string }; outcome: string }) =>
          `${item.action} ${item.object.kind}/${item.object.name} ${item.outcome}`,
      ),
    ).toEqual(expect.arrayContaining(['delete ServiceAccount/cart dry-run', 'restore Deployment/cart dry-run']));
    const script = await runCliInProcess(['fix', '--undo', backup, '--emit-script', ...admin()], { env });
    expect(script.code).toBe(2);
    expect(script.stdout).toBe('');
    const undone = await runCliInProcess(['fix', '--undo', backup, '--dry-run=none', '--yes', ...admin()], { env });
    expect(undone.code).toBe(0);
    expect(await kubectl(['get', 'serviceaccounts', '-n', namespace, '-o', 'name'])).toBe('serviceaccount/default\n');
    const restored = await json(['get', 'deployment', 'cart', '-n', namespace]);
    expect(restored.spec).toEqual(before.spec);
    // kubectl apply's own record of what it applied is kubectl's: the fix's undo neither compares nor removes it.
    expect(restored.metadata.annotations).toHaveProperty(['kubectl.kubernetes.io/last-applied-configuration']);
    expect(await json(['get', 'serviceaccount', 'default', '-n', namespace])).not.toHaveProperty('automountServiceAccountToken');
    expect((await json(['get', 'rolebinding', 'default-reads-config', '-n', namespace])).subjects).toEqual([
      { kind: 'ServiceAccount', name: 'default', namespace },
    ]);
    const twice = await runCliInProcess(['fix', '--undo', backup, '--dry-run=none', '--yes', ...admin()], { env });
    expect(twice.code).toBe(0);
    expect(twice.stderr).toContain('already as before the fix');
  });

  it('--emit-script prints kubectl commands that make the planned change: new objects first, and a second run changes nothing', async () => {
    const namespace = await freshNamespace('fixscript');
    await apply(shop(namespace));
    const args = ['fix', '-n', namespace, '--rule', 'SA002', '--emit-script', ...admin()];
    const emitted = await runCliInProcess(args, { env: state() });
    expect(emitted.code).toBe(0);
    const script = emitted.stdout;
    // The Deployment is pointed at its new ServiceAccount only once that exists.
    expect(script.indexOf('create --field-manager=kubectl-sa')).toBeLessThan(script.indexOf(' patch deployment.apps cart '));
    const run = () =>
      execFileSync('sh', ['-c', script], {
        env: { ...process.env, KUBECONFIG: liveCluster().kubeconfigPath },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    run();
    expect(await json(['get', 'serviceaccount', 'cart', '-n', namespace])).toMatchObject({ automountServiceAccountToken: false });
    expect(await json(['get', 'deployment', 'cart', '-n', namespace])).toMatchObject({
      spec: { template: { spec: { serviceAccountName: 'cart', automountServiceAccountToken: true } } },
    });
    const subjects = [
      { kind: 'ServiceAccount', name: 'default', namespace },
      { kind: 'ServiceAccount', name: 'cart', namespace },
    ];
    expect((await json(['get', 'rolebinding', 'default-reads-config', '-n', namespace])).subjects).toEqual(subjects);
    const again = await runCliInProcess(args, { env: state() });
    expect(again.stdout).not.toMatch(/ (patch|create) /);

    // The same script run a second time: the ServiceAccount is left as it is, and the binding does not get the subject twice.
    let second: { status?: number; stderr?: string } = {};
    try {
      run();
    } catch (error) {
      second = error as typeof second;
    }
    expect(second.stderr).toContain(`ServiceAccount ${namespace}/cart exists already: left as it is`);
    expect(second.stderr).toContain(`RoleBinding ${namespace}/default-reads-config: the patch was refused`);
    expect(second.status).toBe(1);
    expect((await json(['get', 'rolebinding', 'default-reads-config', '-n', namespace])).subjects).toEqual(subjects);
  });

  it('a conflict (the object changed since the plan) is read again, planned again and said; a fix someone made meanwhile is already in effect', async () => {
    const namespace = await freshNamespace('fixconflict');
    await apply(shop(namespace));
    const connection = await connectCluster({ kubeconfig: liveCluster().kubeconfigPath, namespace });
    const plan = await planLive(namespace, ['SA001']);
    const change = plan.data.plan.changes.find((candidate) => candidate.object.kind === 'ServiceAccount');
    expect(change?.object).toMatchObject({ kind: 'ServiceAccount', name: 'default' });
    await kubectl(['annotate', 'serviceaccount', 'default', '-n', namespace, 'team=shop']);
    const writer = await clusterWriterFor(connection);
    const results = await applyLive(plan.data.plan.changes, writer, { dryRun: 'none', context: undefined });
    const result = change ? results.get(change) : undefined;
    expect(result?.outcome).toBe('applied');
    expect(result?.notes.join('\n')).toMatch(
      /^conflict: ServiceAccount .*\/default changed since the plan \(resourceVersion \d+ → \d+\); read it again and planned again$/,
    );
    expect(await json(['get', 'serviceaccount', 'default', '-n', namespace])).toMatchObject({
      automountServiceAccountToken: false,
      metadata: { annotations: { team: 'shop' } },
    });

    const second = await freshNamespace('fixconflict');
    const planned = await planLive(second, ['SA001']);
    await kubectl(['patch', 'serviceaccount', 'default', '-n', second, '-p', '{"automountServiceAccountToken":false}']);
    const late = planned.data.plan.changes.find((candidate) => candidate.object.kind === 'ServiceAccount');
    const lateResults = await applyLive(planned.data.plan.changes, writer, { dryRun: 'none', context: undefined });
    expect(late ? lateResults.get(late)?.outcome : undefined).toBe('already-compliant');
  });

  it('a binding that must follow a moved workload is changed first; when it no longer can be, the workload is not moved', async () => {
    const namespace = await freshNamespace('fixsupport');
    await apply(shop(namespace));
    const connection = await connectCluster({ kubeconfig: liveCluster().kubeconfigPath, namespace });
    const plan = await planLive(namespace, ['SA002']);
    const before = await json(['get', 'deployment', 'cart', '-n', namespace]);
    // Someone rewrites the binding's subjects after the plan: its precondition (the subject it extends is where it was) fails.
    await kubectl([
      'patch',
      'rolebinding',
      'default-reads-config',
      '-n',
      namespace,
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'add', path: '/subjects/0', value: { kind: 'User', name: 'auditor', apiGroup: 'rbac.authorization.k8s.io' } }]),
    ]);
    const results = await applyLive(plan.data.plan.changes, await clusterWriterFor(connection), { dryRun: 'none', context: undefined });
    const outcome = (kind: string) =>
      [...results.entries()].find(([change]) => change.object.kind === kind && change.action === 'patch')?.[1];
    expect(outcome('RoleBinding')?.outcome).toBe('failed');
    expect(outcome('Deployment')).toMatchObject({
      outcome: 'failed',
      notes: [`left as it is: RoleBinding ${namespace}/default-reads-config, which keeps its access, could not be changed`],
    });
    expect((await json(['get', 'deployment', 'cart', '-n', namespace])).spec).toEqual(before.spec);
  });

  it('fixes pods through the controller that owns them, never the Pod; a bare Pod is refused with the reason', async () => {
    const namespace = await freshNamespace('fixowner');
    await apply(shop(namespace));
    // The harness runs no ReplicaSet controller: the chain Deployment → ReplicaSet → Pod is made by hand, as those controllers would.
    const deployment = await json(['get', 'deployment', 'cart', '-n', namespace]);
    const owner = (object: KubeObject) => [
      { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata?.name, uid: object.metadata?.uid, controller: true },
    ];
    await apply(
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'cart-5d4f', namespace, ownerReferences: owner(deployment) },
        spec: { selector: { matchLabels: { app: 'cart' } }, template: (deployment.spec as { template: unknown }).template },
      }),
    );
    const replicaSet = await json(['get', 'replicaset', 'cart-5d4f', '-n', namespace]);
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'cart-5d4f-x2x4q', namespace, ownerReferences: owner(replicaSet) },
        spec: { containers: [{ name: 'cart', image: 'registry.example.com/cart:1' }] },
      }),
    );
    const pod = await json(['get', 'pod', 'cart-5d4f-x2x4q', '-n', namespace]);
    // Named on the command line, an owned Pod (which the cluster source judges through its controllers) is fixed through them too.
    const viaPod = await runCliInProcess(
      ['fix', 'dedicated-sa', 'pod/cart-5d4f-x2x4q', '-n', namespace, '--dry-run=client', '-o', 'json', ...admin()],
      { env: state() },
    );
    expect(viaPod.code).toBe(0);
    expect(viaPod.stderr).toContain(
      `Pod ${namespace}/cart-5d4f-x2x4q is controlled by ReplicaSet ${namespace}/cart-5d4f, controlled by Deployment ${namespace}/cart: fixing its pod template`,
    );
    expect(
      JSON.parse(viaPod.stdout).changes.map(
        (change: { action: string; object: { kind: string; name: string } }) =>
          `${change.action} ${change.object.kind}/${change.object.name}`,
      ),
    ).toEqual(expect.arrayContaining(['patch Deployment/cart', 'create ServiceAccount/cart']));
    const bare: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bare', namespace },
      spec: { containers: [{ name: 'a', image: 'a' }] },
    } as KubeObject;
    const entries: InventoryEntry[] = [pod, bare].map((object) => ({
      object,
      ref: { apiVersion: 'v1', kind: 'Pod', namespace, name: object.metadata?.name ?? '' },
    }));
    const writer = await clusterWriterFor(await connectCluster({ kubeconfig: liveCluster().kubeconfigPath }));
    const reason = { ruleId: 'SA003', fixId: 'workload-no-automount', title: 't', message: 'm' };
    const through = await throughOwners(
      entries.map((entry) => ({
        object: entry.ref,
        reason,
        patch: [{ op: 'add', path: '/spec/automountServiceAccountToken', value: false }],
      })),
      (ref) => entries.find((entry) => entry.ref.name === ref.name),
      writer,
    );
    expect(through.requests).toEqual([
      {
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: 'cart' },
        reason,
        patch: [{ op: 'add', path: '/spec/template/spec/automountServiceAccountToken', value: false }],
      },
    ]);
    expect(through.skipped.map((skip) => skip.reason)).toEqual([
      `a Pod's ServiceAccount and token automount cannot change once it is created: fix what creates Pod ${namespace}/bare, then recreate it`,
    ]);
  });

  it('never reads Secret data: token Secrets are listed as metadata only, and still judged (SA004 names its command)', async () => {
    const namespace = await freshNamespace('fixsecret');
    await apply(`apiVersion: v1
kind: Secret
metadata: {name: ci-token, namespace: ${namespace}, annotations: {kubernetes.io/service-account.name: default}}
type: kubernetes.io/service-account-token
`);
    const plan = await planLive(namespace, ['SA004']);
    const secrets = plan.data.inventory.secrets.map((entry) => entry.object as KubeObject & { data?: unknown; type?: string });
    expect(secrets.map((secret) => [secret.metadata?.name, secret.type, 'data' in secret])).toEqual([
      ['ci-token', 'kubernetes.io/service-account-token', false],
    ]);
    expect(plan.data.plan.skipped.map((skip) => skip.reason)).toEqual([
      `fixed by another command: kubectl sa token legacy --migrate -n ${namespace}`,
    ]);
  });

  it('a namespace the cluster does not have is an error (exit 2), not "nothing to change"', async () => {
    for (const args of [['fix'], ['fix', 'default-sa'], ['fix', 'automount', 'deploy/cart']]) {
      const result = await runCliInProcess([...args, '-n', 'no-such-namespace', ...admin()], { env: state() });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^error: namespace "no-such-namespace" does not exist on the cluster at https:\/\/127\.0\.0\.1:\d+\n/);
    }
  });

  it('a patch the user may not make is refused before anything changes (exit 3, one line)', async () => {
    const namespace = await freshNamespace('fixforbidden');
    await apply(shop(namespace));
    await kubectl(['create', 'rolebinding', 'alice-views', '--clusterrole=view', '--user=alice', '-n', namespace]);
    await waitUntilAllowed('alice', ['list', 'deployments', '-n', namespace]);
    const before = await json(['get', 'deployment', 'cart', '-n', namespace]);
    const result = await runCliInProcess(
      ['fix', '-n', namespace, '--rule', 'SA002', '--dry-run=none', '--yes', '--kubeconfig', liveCluster().kubeconfigs.alice ?? ''],
      { env: state() },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: cannot dry-run (create|patch) .*forbidden/m);
    expect((await json(['get', 'deployment', 'cart', '-n', namespace])).metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(await kubectl(['get', 'serviceaccounts', '-n', namespace, '-o', 'name'])).toBe('serviceaccount/default\n');
  });
});
