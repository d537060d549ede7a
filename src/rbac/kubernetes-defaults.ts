import type { RoleBinding } from '../inventory/kube-object.js';
import { isRecord } from '../inventory/kube-object.js';
import type { DefaultRbacData } from './default-rbac.js';

/** Whether a binding from the input is one of Kubernetes' own default (bootstrap) bindings. */
export type KubernetesDefaultBindingTest = (kind: 'RoleBinding' | 'ClusterRoleBinding', binding: RoleBinding) => boolean;

/**
 * Kubernetes' bootstrap bindings (`system:basic-user`, `system:controller:*`…) are the control plane's:
 * the API server recreates them at start-up, so findings about them are not something a manifest author
 * or cluster admin can act on, and on a live cluster they would drown everything else. A binding counts
 * as one only when it is the default *unchanged*: same kind, namespace and name as a shipped default,
 * same roleRef, and no subject the default lacks. A label is not enough (anyone can write
 * `kubernetes.io/bootstrapping: rbac-defaults` on a binding to hide it), and an edited default (an extra
 * subject) is judged like any binding.
 */
export function kubernetesDefaultBindings(data: DefaultRbacData): KubernetesDefaultBindingTest {
  const index = new Map<string, { roleRef: string; subjects: Set<string> }>();
  const add = (kind: string, binding: RoleBinding) => {
    const namespace = kind === 'RoleBinding' ? (binding.metadata.namespace ?? '') : '';
    index.set(`${kind}/${namespace}/${binding.metadata.name ?? ''}`, {
      roleRef: roleRefKey(binding),
      subjects: new Set(subjectKeys(binding, kind === 'RoleBinding' ? namespace : undefined)),
    });
  };
  for (const binding of data.clusterRoleBindings) add('ClusterRoleBinding', binding);
  for (const binding of data.roleBindings) add('RoleBinding', binding);
  return (kind, binding) => {
    const namespace = kind === 'RoleBinding' ? (binding.metadata.namespace ?? '') : '';
    const known = index.get(`${kind}/${namespace}/${binding.metadata.name ?? ''}`);
    if (!known || known.roleRef !== roleRefKey(binding)) return false;
    return subjectKeys(binding, kind === 'RoleBinding' ? namespace : undefined).every((subject) => known.subjects.has(subject));
  };
}

function roleRefKey(binding: RoleBinding): string {
  return `${String(binding.roleRef?.kind ?? '')}/${String(binding.roleRef?.name ?? '')}`;
}

function subjectKeys(binding: RoleBinding, bindingNamespace: string | undefined): string[] {
  return (Array.isArray(binding.subjects) ? binding.subjects : []).filter(isRecord).map((subject) => {
    const kind = String(subject.kind ?? '');
    const namespace =
      kind === 'ServiceAccount'
        ? typeof subject.namespace === 'string' && subject.namespace !== ''
          ? subject.namespace
          : (bindingNamespace ?? '')
        : '';
    return `${kind}/${namespace}/${String(subject.name ?? '')}`;
  });
}
