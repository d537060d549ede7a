/**
 * Kubernetes' default (bootstrap) RBAC: the ClusterRoles, Roles and bindings every API server creates at
 * start-up (`system:basic-user`, `system:discovery`, `view`/`edit`/`admin`, the controller roles…). An
 * offline answer without them would miss what every cluster grants. The data ships as
 * `data/default-rbac.json` (written by scripts/gen-kube-data.ts); reading and checking the file is the
 * sources' job (sources/kube-data-format.ts), this module only names its shape.
 */
import type { ClusterRole, Role, RoleBinding } from '../inventory/kube-object.js';

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
