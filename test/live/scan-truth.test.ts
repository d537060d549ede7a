import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { apply, freshNamespace, kubectl, liveCluster, userWhoMay } from './kube.js';

interface ScanJson {
  findings: { ruleId: string; object: { kind: string; namespace?: string | null; name: string }; message: string }[];
  summary: { unknown: number };
  coverage: { unknown: { question: string; namespaces: { namespace: string; gap: string }[] }[] };
}

async function scanJson(args: readonly string[]): Promise<ScanJson & { stderr: string }> {
  const result = await runCli(['scan', ...args, '-o', 'json', '--fail-on', 'none']);
  expect(result.code, result.stderr).toBe(0);
  return { ...(JSON.parse(result.stdout) as ScanJson), stderr: result.stderr };
}

const adminFlags = () => ['--kubeconfig', liveCluster().kubeconfigPath];

describe('SA007 on pods read from a real API server', () => {
  let namespace: string;

  beforeAll(async () => {
    namespace = await freshNamespace('sa007');
    // The ServiceAccount admission plugin gives `bare` a kube-api-access-xxxxx volume (token lifetime 3607);
    // `long` also declares its own projected token, for a day.
    await apply(
      `
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec: {containers: [{name: c, image: registry.example.com/app:1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: long}
spec:
  containers: [{name: c, image: registry.example.com/app:1, volumeMounts: [{name: vault, mountPath: /vault}]}]
  volumes: [{name: vault, projected: {sources: [{serviceAccountToken: {path: token, audience: vault, expirationSeconds: 86400}}]}}]
`,
      namespace,
    );
  });

  it("reports the user's own projected token, never the one Kubernetes injects", async () => {
    const scan = await scanJson([...adminFlags(), '-n', namespace]);
    const sa007 = scan.findings.filter((finding) => finding.ruleId === 'SA007').map((finding) => finding.object.name);
    expect(sa007).toEqual(['long']);
    const long = scan.findings.find((finding) => finding.ruleId === 'SA007');
    expect(long?.message).toContain('vault');
    expect(long?.message).not.toContain('kube-api-access');
  });
});

describe('scan as a user who may not list ServiceAccounts: absence is unknown, not a finding', () => {
  let a: string;
  let b: string;
  let user: string;

  beforeAll(async () => {
    a = await freshNamespace('absent-a');
    b = await freshNamespace('absent-b');
    // b/god exists and is bound from a and cluster-wide; a/ghost is bound but does not exist; app runs as
    // b/god, and a's default ServiceAccount sets automountServiceAccountToken: false.
    await apply(`apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: god}\n`, b);
    await apply(`apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default}\nautomountServiceAccountToken: false\n`, a);
    await apply(
      `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: god-edit}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: god, namespace: ${b}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ghost-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: ghost}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.example.com/web:1}]}
`,
      a,
    );
    await apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${b}-god-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: god, namespace: ${b}}]
`);
    user = await userWhoMay(
      'no-sa-reader',
      `
- {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings, clusterroles, clusterrolebindings], verbs: [list]}
- {apiGroups: ["", apps, batch], resources: [namespaces, pods, replicationcontrollers, deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs], verbs: [get, list]}`,
    );
  });

  const ours = (finding: ScanJson['findings'][number]) =>
    finding.object.namespace === a || finding.object.namespace === b || finding.object.name === `${b}-god-view`;
  const label = (finding: ScanJson['findings'][number]) =>
    `${finding.ruleId} ${finding.object.kind}/${finding.object.namespace ?? ''}/${finding.object.name}`;

  it('reports no ServiceAccount as missing, and no default as leaving automount on, where it read none', async () => {
    const admin = await scanJson([...adminFlags(), '-A']);
    // What the admin (who reads everything) finds: the binding to the missing ghost, and nothing about god.
    expect(admin.findings.filter(ours).map(label)).toContain(`RBAC010 RoleBinding/${a}/ghost-view`);
    const adminLabels = new Set(admin.findings.filter(ours).map(label));
    for (const scope of [['-n', a], ['-A']]) {
      const partial = await scanJson([...adminFlags(), '--as', user, ...scope]);
      expect(partial.stderr).toContain('warning: cannot list serviceaccounts (forbidden)');
      const found = partial.findings.filter(ours).map(label);
      // Nothing the partial read reports is false: every finding is one the full read makes too.
      for (const finding of found) expect(adminLabels, finding).toContain(finding);
      expect(found.filter((finding) => finding.startsWith('RBAC010'))).toEqual([]);
      expect(found).not.toContain(`SA001 ServiceAccount/${a}/default`);
      expect(found).not.toContain(`SA003 Deployment/${a}/web`);
      // The unknown is said, never silent.
      const unknown = partial.coverage.unknown.find((entry) => entry.question === 'service-account-exists');
      expect(unknown?.namespaces.map((entry) => entry.namespace)).toEqual(expect.arrayContaining([a, b]));
      expect(partial.summary.unknown).toBeGreaterThan(0);
    }
    const table = await runCli(['scan', ...adminFlags(), '--as', user, '-n', a, '--fail-on', 'none']);
    expect(table.stdout).toMatch(/^unknown: \d+ ServiceAccount\(s\) in namespace\(s\) .*whether they exist is unknown/m);
  });
});

describe('scope: scan -n X judges X, who-can -A never counts a RoleBinding for a cluster-scoped resource', () => {
  let x: string;
  let y: string;

  beforeAll(async () => {
    x = await freshNamespace('scope-x');
    y = await freshNamespace('scope-y');
    await apply(`apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\n`, x);
    await apply(`apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\n`, y);
    // y's RoleBinding to all of its ServiceAccounts (RBAC009 there; a narrower group than system:authenticated,
    // which would change every other test's ServiceAccounts) also lists nodes, which a RoleBinding can never grant; x's default ServiceAccount is bound cluster-wide (RBAC008), y's too.
    await apply(
      `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: everyone-views}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${y}-node-lister}
subjects: [{kind: Group, name: 'system:serviceaccounts:${y}', apiGroup: rbac.authorization.k8s.io}, {kind: ServiceAccount, name: app}]
`,
      y,
    );
    await apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${y}-node-lister}
rules: [{apiGroups: [""], resources: [nodes, configmaps], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${x}-default-lists-nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${y}-node-lister}
subjects: [{kind: ServiceAccount, name: default, namespace: ${x}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${y}-default-lists-nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${y}-node-lister}
subjects: [{kind: ServiceAccount, name: default, namespace: ${y}}]
`);
  });

  const objects = (scan: ScanJson) =>
    scan.findings.map((finding) => `${finding.object.kind}/${finding.object.namespace ?? ''}/${finding.object.name}`);

  it('scan -n X judges X and the ClusterRoleBindings that concern it, not other namespaces', async () => {
    const inX = objects(await scanJson([...adminFlags(), '-n', x]));
    expect(inX).toContain(`ClusterRoleBinding//${x}-default-lists-nodes`);
    expect(inX.filter((object) => object.includes(y))).toEqual([]);
    expect(inX.every((object) => object.split('/')[1] === x || object.startsWith('ClusterRoleBinding//'))).toBe(true);
    const inY = objects(await scanJson([...adminFlags(), '-n', y]));
    expect(inY).toContain(`RoleBinding/${y}/everyone-views`);
    expect(inY).toContain(`ClusterRoleBinding//${y}-default-lists-nodes`);
    expect(inY.filter((object) => object.includes(x))).toEqual([]);
  });

  it('who-can list nodes -A lists the ClusterRoleBinding subjects only, as the API server decides', async () => {
    const result = await runCli(['who-can', 'list', 'nodes', '-A', ...adminFlags(), '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const subjects = (
      JSON.parse(result.stdout) as { subjects: { subject: { kind: string; namespace?: string; name: string } }[] }
    ).subjects.map((entry) => `${entry.subject.kind}/${entry.subject.namespace ?? ''}/${entry.subject.name}`);
    expect(subjects).toEqual(expect.arrayContaining([`ServiceAccount/${x}/default`, `ServiceAccount/${y}/default`]));
    expect(subjects).not.toContain(`ServiceAccount/${y}/app`);
    // Bound only by y's RoleBinding: the API server never lets a RoleBinding grant nodes.
    expect(subjects).not.toContain(`Group//system:serviceaccounts:${y}`);
    const server = await runCli(['can-i', 'list', 'nodes', '--sa', `${y}:app`, '-A', '--server', ...adminFlags()]);
    expect(server.stdout.trim()).toBe('no');
    // For a namespaced resource -A still counts every RoleBinding, each with its namespace.
    const configmaps = await runCli(['who-can', 'list', 'configmaps', '-A', ...adminFlags()]);
    expect(configmaps.stdout).toContain(`system:serviceaccounts:${y}`);
  });
});

describe('escalation to what exists: permissions with a complete ServiceAccount list, and with a forbidden one', () => {
  let team: string;
  let rbacReader: string;

  beforeAll(async () => {
    team = await freshNamespace('escalate');
    await apply(`apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ci}\n`, team);
    await apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${team}-pods}
rules: [{apiGroups: [""], resources: [pods], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${team}-ci-pods}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${team}-pods}
subjects: [{kind: ServiceAccount, name: ci, namespace: ${team}}]
`);
    rbacReader = await userWhoMay(
      'rbac-only-reader',
      '[{apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings, clusterroles, clusterrolebindings], verbs: [list]}]',
    );
  });

  // Default RBAC binds system:controller:clusterrole-aggregation-controller to this kube-system SA, which
  // exists only when kube-controller-manager runs with --use-service-account-credentials (the harness does not).
  const controller = 'clusterrole-aggregation-controller';

  it('no path to a ServiceAccount that does not exist, unless the subject may create it there, and then it says so', async () => {
    await expect(kubectl(['get', 'serviceaccount', controller, '-n', 'kube-system'])).rejects.toThrow(/NotFound/);
    const before = await runCli(['permissions', `${team}:ci`, ...adminFlags()]);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toContain('Escalation paths:');
    expect(before.stdout).not.toContain(`kube-system:${controller}`);

    await apply(
      `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: ${team}-sa-maker}
rules: [{apiGroups: [""], resources: [serviceaccounts], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ${team}-ci-sa-maker}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ${team}-sa-maker}
subjects: [{kind: ServiceAccount, name: ci, namespace: ${team}}]
`,
      'kube-system',
    );
    const after = await runCli(['permissions', `${team}:ci`, ...adminFlags()]);
    expect(after.stdout).toContain(
      `can become kube-system:${controller} (via pod create in every namespace after creating ServiceAccount kube-system:${controller}, which it may)`,
    );
    await kubectl(['delete', 'rolebinding', `${team}-ci-sa-maker`, '-n', 'kube-system']);
  });

  it('as a user who may not list ServiceAccounts, a path to one that was not read is unknown, not a claim', async () => {
    const result = await runCli(['permissions', `${team}:ci`, ...adminFlags(), '--as', rbacReader]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('cannot list serviceaccounts (forbidden)');
    const [claims = '', unknown = ''] = result.stdout.split('Unknown escalation paths');
    expect(claims).not.toContain(`kube-system:${controller}`);
    expect(unknown).toContain(`could become kube-system:${controller} (via pod create in every namespace), which holds`);
    expect(unknown).toContain(`if kube-system:${controller} exists (ServiceAccounts not read)`);
    const json = await runCli(['permissions', `${team}:ci`, ...adminFlags(), '--as', rbacReader, '-o', 'json']);
    const paths = (JSON.parse(json.stdout) as { escalations: { target: { name: string }; certain: boolean }[] }).escalations;
    expect(paths.find((path) => path.target.name === controller)?.certain).toBe(false);
  });
});

describe('RBAC warnings say what was read, about what was asked', () => {
  let team: string;
  let other: string;
  let noClusterRoles: string;

  beforeAll(async () => {
    team = await freshNamespace('warn-team');
    other = await freshNamespace('warn-other');
    await apply(`apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\n`, team);
    // A binding to the ClusterRole view (which exists), and in another namespace one to a role nobody made.
    await apply(
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: app-view}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: [{kind: ServiceAccount, name: app}]\n`,
      team,
    );
    await apply(
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: dangling}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${other}-never-made}\nsubjects: [{kind: ServiceAccount, name: default}]\n`,
      other,
    );
    noClusterRoles = await userWhoMay(
      'no-clusterroles',
      `
- {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings, clusterrolebindings], verbs: [list]}
- {apiGroups: [""], resources: [serviceaccounts, namespaces], verbs: [get, list]}`,
    );
  });

  it('a user who may not list ClusterRoles is never told that view does not exist', async () => {
    // who-can says what the unread ClusterRoles mean for its list (app-view names view), which may be incomplete: exit 4.
    const result = await runCli(['who-can', 'get', 'configmaps', '-n', team, ...adminFlags(), '--as', noClusterRoles]);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain(
      'warning: could not read ClusterRoles (forbidden): a binding to one of them may allow subjects this list does not show',
    );
    expect(result.stderr).not.toContain('which does not exist');
    // scan says it as the model counts it.
    const scan = await runCli(['scan', '--fail-on', 'none', '-n', team, ...adminFlags(), '--as', noClusterRoles]);
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stderr).toContain('cannot list clusterroles.rbac.authorization.k8s.io (forbidden)');
    expect(scan.stderr).not.toContain('which does not exist');
    expect(scan.stderr).toMatch(/^warning: what \d+ binding\(s\) grant is unknown: the ClusterRoles they refer to could not be read$/m);
    // The admin, who reads every ClusterRole, is told of the dangling one.
    const admin = await runCli(['who-can', 'get', 'configmaps', '-A', ...adminFlags()]);
    expect(admin.stderr).toContain(`RoleBinding ${other}/dangling refers to ClusterRole ${other}-never-made, which does not exist`);
  });

  it('scan -n X and who-can -n X are not about a dangling binding of another namespace', async () => {
    for (const command of [
      ['scan', '--fail-on', 'none'],
      ['who-can', 'get', 'configmaps'],
    ]) {
      const result = await runCli([...command, '-n', team, ...adminFlags()]);
      expect(result.stderr, command.join(' ')).not.toContain(`${other}/dangling`);
      const inOther = await runCli([...command, '-n', other, ...adminFlags()]);
      expect(inOther.stderr, command.join(' ')).toContain(`RoleBinding ${other}/dangling refers to ClusterRole ${other}-never-made`);
    }
  });
});
