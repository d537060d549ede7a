import type { Inventory, InventoryEntry } from '../inventory/inventory.js';
import type { RoleBinding, Subject } from '../inventory/kube-object.js';
import { podTemplateOf, serviceAccountNameOf } from '../inventory/workloads.js';
import { formatPointer } from './json-patch.js';
import { labelOf, objectKey, type FixPlan, type FixRequest } from './plan.js';

/**
 * When a fix moves a workload to another ServiceAccount, the permissions it had must follow it, or the fix
 * breaks the workload. For every RoleBinding and ClusterRoleBinding that names the old ServiceAccount, a
 * request adds the new one as a subject (the old subject stays: other pods, outside the input, may run
 * as it). When the old ServiceAccount held permissions (through such bindings or its groups) and the pods got
 * a token, they keep it: a pod template that does not decide automount is opted in explicitly (the new
 * ServiceAccount opts out). Pure: the first plan and the
 * inventory in, the extra requests out; the caller plans again with them.
 */
export function serviceAccountMoveRequests(
  plan: FixPlan,
  inventory: Inventory,
  holdsPermissions: (namespace: string, name: string) => boolean = () => false,
): FixRequest[] {
  const requests: FixRequest[] = [];
  const bindingSubjectsAdded = new Map<string, Set<string>>();
  for (const change of plan.changes) {
    if (change.action !== 'patch' || !change.before) continue;
    const before = podTemplateOf(change.before);
    const after = podTemplateOf(change.after);
    if (!before || !after) continue;
    const from = serviceAccountNameOf(before.podSpec);
    const to = serviceAccountNameOf(after.podSpec);
    if (from === to) continue;
    const namespace = change.object.namespace ?? 'default';
    const reason = {
      ruleId: change.reasons[0]?.ruleId ?? '',
      fixId: change.reasons[0]?.fixId ?? '',
      title: `keep the permissions ${labelOf(change.object)} had as ServiceAccount ${namespace}/${from}`,
      message: `${labelOf(change.object)} moves from ServiceAccount ${namespace}/${from} to ${namespace}/${to}`,
    };
    const bindings = [...inventory.roleBindings, ...inventory.clusterRoleBindings].filter((binding) =>
      subjectsOf(binding).some((subject) => namesServiceAccount(binding, subject, namespace, from)),
    );
    for (const binding of bindings) {
      const key = objectKey(binding.ref);
      const added = bindingSubjectsAdded.get(key) ?? new Set<string>();
      bindingSubjectsAdded.set(key, added);
      if (added.has(to) || subjectsOf(binding).some((subject) => namesServiceAccount(binding, subject, namespace, to))) continue;
      added.add(to);
      const index = subjectsOf(binding).findIndex((subject) => namesServiceAccount(binding, subject, namespace, from));
      requests.push({
        object: binding.ref,
        reason,
        supports: change.object,
        patch: [
          { op: 'test', path: `/subjects/${index}`, value: subjectsOf(binding)[index] },
          { op: 'add', path: '/subjects/-', value: { kind: 'ServiceAccount', name: to, namespace } },
        ],
      });
    }
    const automountDecided = typeof after.podSpec.automountServiceAccountToken === 'boolean';
    const oldAccount = inventory.findServiceAccount(namespace, from)?.object;
    const hadToken = before.podSpec.automountServiceAccountToken ?? oldAccount?.automountServiceAccountToken ?? true;
    if ((bindings.length > 0 || holdsPermissions(namespace, from)) && hadToken && !automountDecided) {
      requests.push({
        object: change.object,
        reason: { ...reason, title: 'opt the pods in to a token: the new ServiceAccount opts out, and the workload holds permissions' },
        patch: [{ op: 'add', path: `${formatPointer(after.podSpecPath)}/automountServiceAccountToken`, value: true }],
      });
    }
  }
  return requests;
}

function subjectsOf(binding: InventoryEntry<RoleBinding>): readonly Subject[] {
  return binding.object.subjects ?? [];
}

/** As the RBAC authorizer reads it: a RoleBinding's ServiceAccount subject without a namespace is in the binding's. */
function namesServiceAccount(binding: InventoryEntry<RoleBinding>, subject: Subject, namespace: string, name: string): boolean {
  const subjectNamespace = subject.namespace || (binding.ref.kind === 'RoleBinding' ? binding.ref.namespace : undefined);
  return subject.kind === 'ServiceAccount' && subject.name === name && subjectNamespace === namespace;
}

/**
 * The same care when a fix turns automount off on a ServiceAccount that holds permissions (SA001 on a
 * `default` that a group binding grants something, say): every workload running as it that got a token
 * and does not decide for itself is opted in explicitly, so the fix takes no token a workload may use.
 * Workloads the plan already changes (moved elsewhere, or deciding automount) are left to that change.
 */
export function automountOptOutRequests(
  plan: FixPlan,
  inventory: Inventory,
  holdsPermissions: (namespace: string, name: string) => boolean,
): FixRequest[] {
  const changed = new Map(plan.changes.map((change) => [objectKey(change.object), change]));
  const requests: FixRequest[] = [];
  for (const change of plan.changes) {
    if (change.object.kind !== 'ServiceAccount' || change.action !== 'patch') continue;
    if (change.before?.automountServiceAccountToken === false || change.after.automountServiceAccountToken !== false) continue;
    const namespace = change.object.namespace ?? 'default';
    if (!holdsPermissions(namespace, change.object.name)) continue;
    for (const workload of inventory.workloads) {
      if (workload.namespace !== namespace || workload.serviceAccountName !== change.object.name) continue;
      if (typeof workload.podSpec.automountServiceAccountToken === 'boolean') continue;
      const planned = changed.get(objectKey(workload.entry.ref));
      const plannedView = planned ? podTemplateOf(planned.after) : undefined;
      if (
        plannedView &&
        (serviceAccountNameOf(plannedView.podSpec) !== change.object.name ||
          typeof plannedView.podSpec.automountServiceAccountToken === 'boolean')
      )
        continue;
      requests.push({
        object: workload.entry.ref,
        supports: change.object,
        reason: {
          ruleId: change.reasons[0]?.ruleId ?? '',
          fixId: change.reasons[0]?.fixId ?? '',
          title: `opt the pods in to a token explicitly: ServiceAccount ${namespace}/${change.object.name} opts out but holds permissions they may use`,
          message: `${labelOf(workload.entry.ref)} runs as ServiceAccount ${namespace}/${change.object.name}`,
        },
        patch: [{ op: 'add', path: `${formatPointer(workload.podSpecPath)}/automountServiceAccountToken`, value: true }],
      });
    }
  }
  return requests;
}
