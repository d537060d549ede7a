/**
 * Manifests written for `kubectl apply -n NS` name no namespace on their ServiceAccounts, while their
 * ClusterRoleBindings must name one. Read without -n, the ServiceAccounts land in `default` and the
 * bindings point at SAs in NS that the input does not show: one identity becomes two half-findings.
 * Say so, once per namespace, and suggest the -n that joins them.
 */
import type { Inventory, InventoryEntry, InventoryNote } from './inventory.js';
import { isRecord } from './kube-object.js';

export function namespaceHints(inventory: Inventory): InventoryNote[] {
  const defaulted = new Map<string, InventoryEntry>();
  for (const entry of inventory.serviceAccounts) if (entry.namespaceDefaulted) defaulted.set(entry.ref.name, entry);
  if (defaulted.size === 0) return [];
  const declared = new Set(inventory.serviceAccounts.map((entry) => `${entry.ref.namespace ?? ''}/${entry.ref.name}`));
  // Target namespace → SA names bindings give it that the input declares only namespace-less elsewhere, and one binding as example.
  const wanted = new Map<string, { names: Set<string>; landedIn: Set<string>; binding: InventoryEntry }>();
  for (const binding of [...inventory.clusterRoleBindings, ...inventory.roleBindings]) {
    for (const subject of Array.isArray(binding.object.subjects) ? binding.object.subjects : []) {
      if (!isRecord(subject) || subject.kind !== 'ServiceAccount' || typeof subject.name !== 'string') continue;
      if (typeof subject.namespace !== 'string' || subject.namespace === '') continue;
      const namespaceless = defaulted.get(subject.name);
      if (!namespaceless || namespaceless.ref.namespace === subject.namespace) continue;
      if (declared.has(`${subject.namespace}/${subject.name}`)) continue;
      const found = wanted.get(subject.namespace) ?? { names: new Set<string>(), landedIn: new Set<string>(), binding };
      found.names.add(subject.name);
      found.landedIn.add(namespaceless.ref.namespace ?? '');
      wanted.set(subject.namespace, found);
    }
  }
  return [...wanted].map(([namespace, { names, landedIn, binding }]) => {
    const listed = [...names].sort();
    const shown = listed.length > 4 ? `${listed.slice(0, 4).join(', ')} and ${listed.length - 4} more` : listed.join(', ');
    const where = binding.source ? ` (e.g. ${binding.ref.kind} ${binding.ref.name} at ${binding.source.file}:${binding.source.line})` : '';
    return {
      level: 'note',
      message:
        `ServiceAccount(s) ${shown} name no namespace in the files and were read into ${[...landedIn].join(', ')}, but bindings name ` +
        `them in namespace ${namespace}${where}; if the manifests are installed with kubectl apply -n ${namespace}, scan with -n ${namespace} so each is judged as one identity`,
    };
  });
}
