import { describe, expect, it } from 'vitest';
import { modelWarnings } from '../../src/app/rbac-input.js';
import { Coverage, type CoverageRecord } from '../../src/inventory/coverage.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import { buildRbacModel } from '../../src/rbac/rbac-model.js';

const rbac = 'rbac.authorization.k8s.io';
const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, roleKind: string, role: string, namespace?: string) => ({
  apiVersion: `${rbac}/v1`,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: rbac, kind: roleKind, name: role },
  subjects: [{ kind: 'ServiceAccount', name: 'app', namespace: namespace ?? 'a' }],
});
// Three bindings to roles nobody defined: one cluster-wide, one in a, one in b.
const objects = [
  binding('ClusterRoleBinding', 'crb', 'ClusterRole', 'gone'),
  binding('RoleBinding', 'rb', 'ClusterRole', 'gone', 'a'),
  binding('RoleBinding', 'rb', 'Role', 'gone', 'b'),
];
const listed = (kind: string, namespace?: string): CoverageRecord => ({
  group: rbac,
  kind,
  state: 'listed',
  ...(namespace ? { namespace } : {}),
});

function warningsOf(records: readonly CoverageRecord[] | 'files', namespace?: string): string[] {
  const inventory = buildInventory(
    objects.map((value) => ({ value })),
    records === 'files'
      ? { defaultNamespace: 'default', origin: 'files' }
      : { defaultNamespace: 'default', origin: 'cluster', coverage: Coverage.ofReads(records) },
  );
  return modelWarnings(buildRbacModel(inventory), namespace).map((warning) => warning.message);
}

describe('RBAC model warnings', () => {
  it('say a role does not exist where its kind was read, and only about what the question concerns', () => {
    const all = warningsOf('files');
    expect(all).toEqual([
      'ClusterRoleBinding crb refers to ClusterRole gone, which does not exist: it grants nothing',
      'RoleBinding a/rb refers to ClusterRole gone, which does not exist: it grants nothing',
      'RoleBinding b/rb refers to Role gone, which does not exist: it grants nothing',
    ]);
    // scan -n a, who-can -n a: not b's RoleBinding.
    expect(warningsOf('files', 'a')).toEqual(all.slice(0, 2));
  });

  it('where the roles could not be read, nothing is said not to exist: one line says what is unknown', () => {
    const records = [
      listed('ClusterRoleBinding'),
      listed('RoleBinding'),
      { group: rbac, kind: 'ClusterRole', state: 'forbidden' as const },
      listed('Role', 'b'),
    ];
    expect(warningsOf(records)).toEqual([
      'RoleBinding b/rb refers to Role gone, which does not exist: it grants nothing',
      'what 2 binding(s) grant is unknown: the ClusterRoles they refer to could not be read',
    ]);
    const nothingRead = [listed('ClusterRoleBinding'), listed('RoleBinding')];
    expect(warningsOf(nothingRead, 'a')).toEqual([
      'what 3 binding(s) grant is unknown: the ClusterRoles and Roles they refer to could not be read',
    ]);
  });
});
