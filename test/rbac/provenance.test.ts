import { writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInventory } from '../../src/inventory/inventory.js';
import { buildRbacModel } from '../../src/rbac/rbac-model.js';
import { serviceAccountRbac } from '../../src/rbac/service-account-rbac.js';
import { whoCan } from '../../src/rbac/who-can.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';
import { runCli } from '../helpers/cli.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';
import { inventoryFromYaml } from '../helpers/inventory.js';
import { corpusInventory, modelOf } from './helpers.js';

// A binding is Kubernetes' own only if the binding itself is one of the defaults; binding a built-in role
// (cluster-admin) is the user's act, shown as such: the most dangerous grant must not hide among the bootstrap ones.
const userAdminBinding = `apiVersion: v1
kind: ServiceAccount
metadata: { name: ops, namespace: a }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ops-admin
  labels: { kubernetes.io/bootstrapping: rbac-defaults }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: ServiceAccount, name: ops, namespace: a }]
`;

describe('provenance of grants', () => {
  it('a user ClusterRoleBinding to cluster-admin is not Kubernetes default; the role is shown as built in', () => {
    const model = modelOf(userAdminBinding, { defaultRbac: true });
    const admin = serviceAccountRbac(model, 'a', 'ops').grants.filter((grant) => grant.binding.name === 'ops-admin');
    expect(admin.length).toBeGreaterThan(0);
    for (const grant of admin) expect(grant).toMatchObject({ defaultRbac: false, builtInRole: true });
    const who = whoCan(model, { verb: 'delete', apiGroup: '', resource: 'secrets', namespace: 'x' });
    const ops = who.subjects.find((subject) => subject.subject.name === 'ops');
    expect(ops?.grants.every((grant) => !grant.defaultRbac && grant.builtInRole)).toBe(true);
  });

  it('a label does not make a binding Kubernetes default, on a live cluster either', () => {
    const inventory = buildInventory(
      inventoryFromYaml(userAdminBinding).entries.map((entry) => ({ value: entry.object })),
      {
        defaultNamespace: 'default',
        origin: 'cluster',
      },
    );
    const model = buildRbacModel(inventory, { knownDefaults: loadDefaultRbac(), riskFacts: builtInRiskFacts });
    const grants = serviceAccountRbac(model, 'a', 'ops').grants.filter((grant) => grant.binding.name === 'ops-admin');
    expect(grants.map((grant) => grant.defaultRbac)).not.toContain(true);
  });

  it("Kubernetes' own bindings stay default: shipped, or in the input unchanged", async () => {
    const shipped = serviceAccountRbac(modelOf('', { defaultRbac: true }), 'kube-system', 'deployment-controller');
    expect(shipped.grants.length).toBeGreaterThan(0);
    expect(shipped.grants.every((grant) => grant.defaultRbac && grant.builtInRole)).toBe(true);
    const input = await corpusInventory('k8s-bootstrap-rbac');
    const model = buildRbacModel(input, { knownDefaults: loadDefaultRbac(), riskFacts: builtInRiskFacts });
    const fromInput = serviceAccountRbac(model, 'kube-system', 'deployment-controller').grants;
    expect(fromInput.length).toBeGreaterThan(0);
    expect(fromInput.every((grant) => grant.defaultRbac)).toBe(true);
  });

  it('a user binding of a built-in role to system:authenticated is not "what everyone has"', () => {
    const model = modelOf(
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: everyone-views }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io }]
`,
      { defaultRbac: true },
    );
    expect(serviceAccountRbac(model, 'a', 'app').baselineOnly).toBe(false);
    expect(serviceAccountRbac(modelOf('', { defaultRbac: true }), 'a', 'app').baselineOnly).toBe(true);
  });

  it('permissions and who-can say so: "your binding to a built-in role", DEFAULT "role only"', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kubectl-sa-provenance-'));
    const file = path.join(dir, 'admin.yaml');
    await writeFile(file, userAdminBinding);
    const permissions = await runCli(['permissions', 'a:ops', '-f', file]);
    expect(permissions.stdout).toContain(
      'ClusterRoleBinding/ops-admin → ClusterRole/cluster-admin  (cluster-wide, your binding to a built-in role)',
    );
    expect(permissions.stdout).not.toMatch(/ops-admin.*Kubernetes default/);
    const json = JSON.parse((await runCli(['permissions', 'a:ops', '-f', file, '-o', 'json'])).stdout) as {
      grants: { binding: { name: string }; defaultRbac: boolean; builtInRole: boolean }[];
    };
    expect(json.grants.filter((grant) => grant.binding.name === 'ops-admin')).toEqual(
      expect.arrayContaining([expect.objectContaining({ defaultRbac: false, builtInRole: true })]),
    );
    const who = await runCli(['who-can', 'get', 'secrets', '-n', 'x', '-f', file]);
    expect(who.stdout).toMatch(
      /^ServiceAccount\s+a\s+ops\s+ClusterRoleBinding\/ops-admin\s+ClusterRole\/cluster-admin\s+cluster-wide\s+role only$/m,
    );
  });
});
