/**
 * "Can become N": how many other ServiceAccounts one ServiceAccount can act as in a single step — run a pod
 * as them (workload-create in their namespace), mint their tokens (token-create) or impersonate them. The
 * same edges as the escalation walk (escalation.ts: edgesOf), counted rather than walked: each edge reaches
 * a namespace, every namespace, or named accounts, so the count is a sum of namespace sizes plus the named
 * accounts outside them. Edges are shared by every SA of an identity class and so are their reach sets; the
 * count is O(edges) per class, which keeps a 10,000-row list sortable by it. Several hops are the
 * escalation paths' business, walked only for the one SA a user asks about.
 */
import { edgesOf } from './escalation.js';
import { identityClasses } from './identity-classes.js';
import { serviceAccountUserPrefix, serviceAccountUsername, type RbacModel } from './rbac-model.js';
import type { RiskFact, SubjectRef } from './types.js';

interface Reach {
  readonly everyNamespace: boolean;
  readonly namespaces: ReadonlySet<string>;
  /** Known ServiceAccounts named by token-create or impersonation, outside `namespaces`. */
  readonly named: ReadonlySet<SubjectRef>;
}

const reaches = new WeakMap<RbacModel, WeakMap<readonly RiskFact[], Reach>>();

/** The number of other known ServiceAccounts `source` can act as in one step, from its risk facts. */
export function oneHopReachCount(model: RbacModel, source: SubjectRef, facts: readonly RiskFact[]): number {
  const index = identityClasses(model);
  const reach = reachOf(model, facts);
  const namespace = source.namespace ?? '';
  const self = index.byUsername.get(serviceAccountUsername(namespace, source.name));
  if (reach.everyNamespace) return model.serviceAccounts.length - (self ? 1 : 0);
  let count = reach.named.size;
  for (const reached of reach.namespaces) count += index.byNamespace.get(reached)?.length ?? 0;
  const reachesSelf = self !== undefined && (reach.namespaces.has(namespace) || reach.named.has(self));
  return count - (reachesSelf ? 1 : 0);
}

function reachOf(model: RbacModel, facts: readonly RiskFact[]): Reach {
  let byFacts = reaches.get(model);
  if (!byFacts) {
    byFacts = new WeakMap();
    reaches.set(model, byFacts);
  }
  let reach = byFacts.get(facts);
  if (!reach) {
    reach = computeReach(model, facts);
    byFacts.set(facts, reach);
  }
  return reach;
}

function computeReach(model: RbacModel, facts: readonly RiskFact[]): Reach {
  const index = identityClasses(model);
  const edges = edgesOf(facts);
  // Any name, cluster-wide (pods anywhere, any user or ServiceAccount impersonated): every known account.
  if (edges.some((edge) => edge.names === undefined && edge.namespace === undefined)) {
    return { everyNamespace: true, namespaces: new Set(), named: new Set() };
  }
  const namespaces = new Set<string>();
  for (const edge of edges) if (edge.names === undefined && edge.namespace !== undefined) namespaces.add(edge.namespace);
  const named = new Set<SubjectRef>();
  const add = (sa: SubjectRef | undefined) => {
    if (sa && !namespaces.has(sa.namespace ?? '')) named.add(sa);
  };
  for (const edge of edges) {
    if (edge.names === undefined) continue;
    for (const name of edge.names) {
      if (edge.byUsername) {
        if (name.startsWith(serviceAccountUserPrefix)) add(index.byUsername.get(name));
      } else if (edge.namespace === undefined) {
        for (const sa of index.byName.get(name) ?? []) add(sa);
      } else add(index.byUsername.get(serviceAccountUsername(edge.namespace, name)));
    }
  }
  return { everyNamespace: false, namespaces, named };
}
