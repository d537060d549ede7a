/**
 * Kubernetes' default (bootstrap) RBAC: the ClusterRoles, Roles and bindings every API server creates at
 * start-up (`system:basic-user`, `system:discovery`, `view`/`edit`/`admin`, the controller roles…). An
 * offline answer without them would miss what every cluster grants. The data ships as
 * `data/default-rbac.json` (written by scripts/gen-kube-data.ts); reading the file is the sources' job,
 * this module only checks its shape and turns it into objects the model can index.
 */
import type { ClusterRole, KubeObject, Role, RoleBinding } from '../inventory/kube-object.js';
import { isRecord } from '../inventory/kube-object.js';

export interface DefaultRbacData {
  /** The API server's gitVersion the data came from, or a note saying why it is not known. */
  readonly kubernetesVersion: string;
  /** Where the data came from (a live API server, or the corpus copy of the bootstrap-policy testdata). */
  readonly source: string;
  readonly clusterRoles: readonly ClusterRole[];
  readonly clusterRoleBindings: readonly RoleBinding[];
  readonly roles: readonly Role[];
  readonly roleBindings: readonly RoleBinding[];
}

/** Checks the decoded JSON; throws a plain Error naming the field, since a bad file is a packaging bug. */
export function parseDefaultRbac(value: unknown): DefaultRbacData {
  if (!isRecord(value)) throw new Error('default RBAC data is not an object');
  const list = (field: string): KubeObject[] => {
    const items = value[field];
    if (!Array.isArray(items) || !items.every((item) => isRecord(item) && isRecord(item.metadata))) {
      throw new Error(`default RBAC data: \`${field}\` is not a list of objects`);
    }
    return items as KubeObject[];
  };
  return {
    kubernetesVersion: typeof value.kubernetesVersion === 'string' ? value.kubernetesVersion : 'unknown',
    source: typeof value.source === 'string' ? value.source : 'unknown',
    clusterRoles: list('clusterRoles') as ClusterRole[],
    clusterRoleBindings: list('clusterRoleBindings') as RoleBinding[],
    roles: list('roles') as Role[],
    roleBindings: list('roleBindings') as RoleBinding[],
  };
}
