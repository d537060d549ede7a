/**
 * Escalation: which other ServiceAccounts a subject can act as, directly or over several hops, and what it
 * gains there. The edges are the facts that hand over another identity:
 *  - workload-create in a namespace → every ServiceAccount of that namespace (a pod may name any of them);
 *  - token-create → the named ServiceAccounts (all of the namespace without resourceNames);
 *  - impersonate on serviceaccounts, or on users named `system:serviceaccount:…` (or any user).
 *
 * Two questions, two costs. "What can this SA gain?" (a rule over every SA of a scan) is answered from a
 * graph built once per model over identity classes (identity-classes.ts) and namespace hubs ("any SA of N"),
 * whose strongly connected components are condensed so that each component's reachable facts are unioned
 * once: O(classes + edges) for all SAs together, never O(SA²). "How exactly?" — the hop-by-hop paths that
 * `permissions` prints — is a breadth-first walk from one SA, materialised only when asked for.
 */
import { identityClasses, type ClassIndex, type IdentityClass } from './identity-classes.js';
import { serviceAccountUserPrefix, serviceAccountUsername, type RbacModel, type RoleRecord } from './rbac-model.js';
import { apiGroupMatches, resourceMatches, verbMatches } from './rule-matching.js';
import { csrApprovalParts, riskFactsOf } from './risk-facts.js';
import type { BindingRefView, EscalationPath, Grant, RiskFact, RiskFactId, SubjectRef } from './types.js';

/** One way to reach other ServiceAccounts. `names` undefined: every name in scope. */
interface Edge {
  readonly via: RiskFactId;
  readonly namespace: string | undefined;
  readonly names: ReadonlySet<string> | undefined;
  /** Names are usernames (`system:serviceaccount:NS:NAME`), from impersonating users. */
  readonly byUsername: boolean;
}

interface FactSummary {
  /** `id@namespace`, `id@*` for cluster-wide. */
  readonly keys: ReadonlySet<string>;
  readonly edges: readonly Edge[];
  readonly csrApproval: boolean;
  readonly csrSigner: boolean;
}

const factKey = (fact: Pick<RiskFact, 'id' | 'namespace'>) => `${fact.id}@${fact.namespace ?? '*'}`;

export function edgesOf(facts: readonly RiskFact[]): Edge[] {
  const edges: Edge[] = [];
  for (const fact of facts) {
    if (fact.id === 'workload-create') edges.push({ via: fact.id, namespace: fact.namespace, names: undefined, byUsername: false });
    if (fact.id === 'token-create') edges.push({ via: fact.id, namespace: fact.namespace, names: namesOf(fact.grants), byUsername: false });
    if (fact.id === 'impersonate') {
      const onServiceAccounts = fact.grants.filter((grant) => impersonates(grant, 'serviceaccounts'));
      if (onServiceAccounts.length > 0)
        edges.push({ via: fact.id, namespace: fact.namespace, names: namesOf(onServiceAccounts), byUsername: false });
      const onUsers = fact.grants.filter((grant) => grant.namespace === undefined && impersonates(grant, 'users'));
      if (onUsers.length > 0) edges.push({ via: fact.id, namespace: undefined, names: namesOf(onUsers), byUsername: true });
    }
  }
  return edges;
}

function impersonates(grant: Grant, resource: string): boolean {
  return verbMatches(grant.rule, 'impersonate') && apiGroupMatches(grant.rule, '') && resourceMatches(grant.rule, resource, '');
}

/** The names the grants allow, or undefined when one of them allows every name. */
function namesOf(grants: readonly Grant[]): Set<string> | undefined {
  const names = new Set<string>();
  for (const grant of grants) {
    const listed = grant.rule.resourceNames ?? [];
    if (listed.length === 0) return undefined;
    for (const name of listed) names.add(name);
  }
  return names;
}

/**
 * The facts and edges one role hands out through one kind of binding (cluster-wide, or in some namespace),
 * computed once per role: thousands of bindings to the same role cost one lookup each. The namespace of a
 * RoleBinding variant is a placeholder, replaced by the binding's own when the profile is used.
 */
interface RoleProfile {
  readonly ids: readonly RiskFactId[];
  readonly edges: readonly Edge[];
  readonly csrApproval: boolean;
  readonly csrSigner: boolean;
}
const placeholderNamespace = '\u0000namespace';
const roleProfiles = new WeakMap<RoleRecord, { cluster?: RoleProfile; namespaced?: RoleProfile }>();

function roleProfile(role: RoleRecord, clusterWide: boolean): RoleProfile {
  let entry = roleProfiles.get(role);
  if (!entry) {
    entry = {};
    roleProfiles.set(role, entry);
  }
  const cached = clusterWide ? entry.cluster : entry.namespaced;
  if (cached) return cached;
  const via: SubjectRef = { kind: 'Group', name: '' };
  const binding: BindingRefView = clusterWide
    ? { kind: 'ClusterRoleBinding', name: '' }
    : { kind: 'RoleBinding', name: '', namespace: placeholderNamespace };
  const grants: Grant[] = role.rules.map((rule) => ({
    rule,
    role: role.view,
    binding,
    ...(clusterWide ? {} : { namespace: placeholderNamespace }),
    via,
    defaultRbac: role.defaultRbac,
  }));
  const facts = riskFactsOf(grants);
  const parts = csrApprovalParts(grants);
  const profile: RoleProfile = {
    ids: [...new Set(facts.map((fact) => fact.id))],
    edges: edgesOf(facts),
    csrApproval: parts.approval,
    csrSigner: parts.signer,
  };
  if (clusterWide) entry.cluster = profile;
  else entry.namespaced = profile;
  return profile;
}

interface SummaryCache {
  readonly byKey: Map<string, FactSummary>;
  readonly byClass: Map<IdentityClass, FactSummary>;
}
const summaryCaches = new WeakMap<RbacModel, SummaryCache>();

function summaryCache(model: RbacModel): SummaryCache {
  let cache = summaryCaches.get(model);
  if (!cache) {
    cache = { byKey: new Map(), byClass: new Map() };
    summaryCaches.set(model, cache);
  }
  return cache;
}

/** What the bindings naming one subject key (a username or a group) grant, in every namespace. */
function keySummary(model: RbacModel, key: string): FactSummary {
  const cache = summaryCache(model);
  let summary = cache.byKey.get(key);
  if (!summary) {
    const keys = new Set<string>();
    const edges = new Map<string, Edge>();
    let csrApproval = false;
    let csrSigner = false;
    for (const binding of model.bindingsBySubject.get(key) ?? []) {
      if (!binding.role) continue;
      const profile = roleProfile(binding.role, binding.namespace === undefined);
      for (const id of profile.ids) keys.add(`${id}@${binding.namespace ?? '*'}`);
      for (const edge of profile.edges) {
        const placed: Edge = edge.namespace === undefined ? edge : { ...edge, namespace: binding.namespace };
        const edgeKey = `${placed.via}|${placed.namespace ?? '*'}|${String(placed.byUsername)}|${placed.names ? [...placed.names].sort().join(',') : '*'}`;
        if (!edges.has(edgeKey)) edges.set(edgeKey, placed);
      }
      csrApproval ||= profile.csrApproval;
      csrSigner ||= profile.csrSigner;
    }
    // A key may hold the two halves of CSR approval through different bindings.
    if (csrApproval && csrSigner) keys.add('csr-approve@*');
    summary = { keys, edges: [...edges.values()], csrApproval, csrSigner };
    cache.byKey.set(key, summary);
  }
  return summary;
}

/**
 * The union over a class's subject keys (its username for a class of one, and the three groups); computed
 * once per class. csr-approve may need halves from different keys.
 */
function classSummary(model: RbacModel, identity: IdentityClass): FactSummary {
  const cache = summaryCache(model);
  let summary = cache.byClass.get(identity);
  if (!summary) {
    const namespace = identity.namespace;
    const keys = [
      ...(identity.named ? [`u:${serviceAccountUsername(namespace, identity.named.name)}`] : []),
      'g:system:serviceaccounts',
      `g:system:serviceaccounts:${namespace}`,
      'g:system:authenticated',
    ];
    const parts = keys.map((key) => keySummary(model, key));
    const factKeys = new Set(parts.flatMap((part) => [...part.keys]));
    const csrApproval = parts.some((part) => part.csrApproval);
    const csrSigner = parts.some((part) => part.csrSigner);
    if (csrApproval && csrSigner) factKeys.add('csr-approve@*');
    summary = { keys: factKeys, edges: parts.flatMap((part) => part.edges), csrApproval, csrSigner };
    cache.byClass.set(identity, summary);
  }
  return summary;
}

function summaryOf(model: RbacModel, index: ClassIndex, sa: SubjectRef): FactSummary {
  return classSummary(model, index.classOf(sa.namespace ?? '', sa.name));
}

/** Holding either, a target can do everything: nothing reached through it can add more. */
const everything = ['cluster-admin@*', 'system-masters@*'];
const holdsEverything = (summary: FactSummary) => everything.some((key) => summary.keys.has(key));

/**
 * The paths, materialised: breadth-first over the targets, so each path is a shortest one. A target is
 * reported when it holds a fact the source does not (a cluster-wide fact is new even if the source has it
 * in some namespace); targets that add nothing are still walked through, since they may lead further. A
 * target that can do everything (cluster-admin, system:masters) ends its path: every SA beyond it is
 * reachable but adds nothing to it. Each edge is followed once (the first time is the shortest), which
 * matters because every SA brings the edges of the groups all SAs share. O(SAs + edges) for one source:
 * for `permissions` and for rules that read the paths, never for every SA of a scan at once.
 */
export function escalationPaths(model: RbacModel, source: SubjectRef, sourceFacts: readonly RiskFact[]): EscalationPath[] {
  const index = identityClasses(model);
  const held = new Set(sourceFacts.map(factKey));
  const gainedIds = (summary: FactSummary) => {
    const ids: RiskFactId[] = [];
    for (const key of summary.keys) {
      const id = key.slice(0, key.indexOf('@')) as RiskFactId;
      if (!held.has(key) && !held.has(`${id}@*`) && !ids.includes(id)) ids.push(id);
    }
    return ids;
  };

  const paths: EscalationPath[] = [];
  const visited = new Set<SubjectRef>();
  const followed = new Set<Edge>();
  const sourceRef = index.byUsername.get(serviceAccountUsername(source.namespace ?? '', source.name));
  if (sourceRef) visited.add(sourceRef);
  let expandedAll = false;
  const expandedNamespaces = new Set<string>();

  type Node = { readonly hops: EscalationPath['hops']; readonly edges: readonly Edge[] };
  let frontier: Node[] = [{ hops: [], edges: edgesOf(sourceFacts) }];
  while (frontier.length > 0) {
    const next: Node[] = [];
    const reach = (to: SubjectRef | undefined, edge: Edge, from: Node) => {
      if (!to || visited.has(to)) return;
      if (to.namespace === source.namespace && to.name === source.name) return;
      visited.add(to);
      const summary = summaryOf(model, index, to);
      const hops = [...from.hops, { via: edge.via, ...(edge.namespace === undefined ? {} : { namespace: edge.namespace }), to }];
      const targetFacts = gainedIds(summary);
      if (targetFacts.length > 0) paths.push({ target: to, hops, targetFacts });
      if (!holdsEverything(summary)) next.push({ hops, edges: summary.edges });
    };
    for (const node of frontier) {
      for (const edge of node.edges) {
        if (followed.has(edge)) continue;
        followed.add(edge);
        if (edge.names === undefined) {
          if (expandedAll) continue;
          if (edge.namespace === undefined) {
            expandedAll = true;
            for (const sa of model.serviceAccounts) reach(sa, edge, node);
          } else if (!expandedNamespaces.has(edge.namespace)) {
            expandedNamespaces.add(edge.namespace);
            for (const sa of index.byNamespace.get(edge.namespace) ?? []) reach(sa, edge, node);
          }
          continue;
        }
        for (const name of edge.names) {
          if (edge.byUsername) {
            if (name.startsWith(serviceAccountUserPrefix)) reach(index.byUsername.get(name), edge, node);
          } else if (edge.namespace === undefined) {
            for (const sa of index.byName.get(name) ?? []) reach(sa, edge, node);
          } else {
            reach(index.byUsername.get(serviceAccountUsername(edge.namespace, name)), edge, node);
          }
        }
      }
    }
    frontier = next;
  }
  return paths;
}

// ---------------------------------------------------------------------------------------------------------
// The graph: who can become whom, over identity classes, for every SA at once.

/** Fact ids by scope: cluster-wide ids, and the namespaces of namespaced ones. Shared, never mutated once built. */
interface ReachableFacts {
  readonly clusterWide: ReadonlySet<RiskFactId>;
  readonly namespaced: ReadonlyMap<RiskFactId, ReadonlySet<string>>;
}
const noFacts: ReachableFacts = { clusterWide: new Set(), namespaced: new Map() };

interface EscalationGraph {
  /** Classes that existed when the graph was built; later ones (SAs nobody can reach) are sources only. */
  readonly classCount: number;
  /** Per node (classes, then namespace hubs, then the all-namespaces hub): what its component reaches. */
  readonly reachable: readonly ReachableFacts[];
  readonly targetsOf: (edges: readonly Edge[]) => number[];
  readonly gained: Map<IdentityClass, readonly RiskFactId[]>;
}
const graphs = new WeakMap<RbacModel, EscalationGraph>();

function escalationGraph(model: RbacModel): EscalationGraph {
  let graph = graphs.get(model);
  if (!graph) {
    graph = buildGraph(model);
    graphs.set(model, graph);
  }
  return graph;
}

function buildGraph(model: RbacModel): EscalationGraph {
  const index = identityClasses(model);
  // Node numbers: the classes existing now, then the hubs. Classes made later (an SA no input names,
  // asked about) are never a target, so their own numbers are never looked up here.
  const classes = index.classes.slice();
  const classCount = classes.length;
  const namespaces = [...index.classesByNamespace.keys()];
  const hubOf = new Map(namespaces.map((namespace, offset) => [namespace, classCount + offset]));
  const allHub = classCount + namespaces.length;
  const nodeCount = allHub + 1;

  const targetsOf = (edges: readonly Edge[]): number[] => {
    const targets = new Set<number>();
    const add = (sa: SubjectRef | undefined) => {
      if (sa) targets.add(index.classOf(sa.namespace ?? '', sa.name).index);
    };
    for (const edge of edges) {
      if (edge.names === undefined) {
        const hub = edge.namespace === undefined ? allHub : hubOf.get(edge.namespace);
        if (hub !== undefined) targets.add(hub);
        continue;
      }
      for (const name of edge.names) {
        if (edge.byUsername) {
          if (name.startsWith(serviceAccountUserPrefix)) add(index.byUsername.get(name));
        } else if (edge.namespace === undefined) {
          for (const sa of index.byName.get(name) ?? []) add(sa);
        } else add(index.byUsername.get(serviceAccountUsername(edge.namespace, name)));
      }
    }
    return [...targets];
  };

  // Adjacency: a class reaches what its edges name, unless it can do everything (nothing beyond it adds);
  // a namespace hub reaches that namespace's classes; the all-namespaces hub every namespace hub.
  const successors: number[][] = new Array<number[]>(nodeCount);
  const own: ReachableFacts[] = new Array<ReachableFacts>(nodeCount).fill(noFacts);
  for (const identity of classes) {
    const summary = classSummary(model, identity);
    own[identity.index] = factsOfKeys(summary.keys);
    successors[identity.index] = holdsEverything(summary) ? [] : targetsOf(summary.edges);
  }
  for (const namespace of namespaces) {
    successors[hubOf.get(namespace) ?? 0] = (index.classesByNamespace.get(namespace) ?? []).map((identity) => identity.index);
  }
  successors[allHub] = [...hubOf.values()];

  return { classCount, reachable: unionOverComponents(successors, own), targetsOf, gained: new Map() };
}

function factsOfKeys(keys: ReadonlySet<string>): ReachableFacts {
  if (keys.size === 0) return noFacts;
  const clusterWide = new Set<RiskFactId>();
  const namespaced = new Map<RiskFactId, Set<string>>();
  for (const key of keys) {
    const at = key.indexOf('@');
    const id = key.slice(0, at) as RiskFactId;
    const scope = key.slice(at + 1);
    if (scope === '*') clusterWide.add(id);
    else {
      const list = namespaced.get(id);
      if (list) list.add(scope);
      else namespaced.set(id, new Set([scope]));
    }
  }
  return { clusterWide, namespaced };
}

/**
 * Tarjan's strongly connected components, iteratively (a chain of 100,000 SAs must not overflow the stack).
 * Components complete in reverse topological order, so each one's reachable facts are its members' own
 * facts unioned with its successors' — computed once per component and shared by every member.
 */
function unionOverComponents(successors: readonly number[][], own: readonly ReachableFacts[]): ReachableFacts[] {
  const count = successors.length;
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const reachable = new Array<ReachableFacts>(count);
  let counter = 0;

  for (let root = 0; root < count; root++) {
    if (order[root] !== -1) continue;
    const work: { node: number; next: number }[] = [{ node: root, next: 0 }];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = successors[frame.node] ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next++]!;
        if (order[to] === -1) {
          order[to] = low[to] = counter++;
          stack.push(to);
          onStack[to] = 1;
          work.push({ node: to, next: 0 });
        } else if (onStack[to]) low[frame.node] = Math.min(low[frame.node]!, order[to]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent.node] = Math.min(low[parent.node]!, low[frame.node]!);
      if (low[frame.node] !== order[frame.node]) continue;
      // frame.node is a component's root: pop the component and union what it reaches.
      const members: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack[member] = 0;
        members.push(member);
      } while (member !== frame.node);
      const inComponent = new Set(members);
      const parts: ReachableFacts[] = [];
      for (const node of members) {
        parts.push(own[node] ?? noFacts);
        for (const to of successors[node] ?? []) if (!inComponent.has(to)) parts.push(reachable[to] ?? noFacts);
      }
      const union = unionOf(parts);
      for (const node of members) reachable[node] = union;
    }
  }
  return reachable;
}

/** The union, sharing an input when it already holds everything (a hub over one class, a chain of plain SAs). */
function unionOf(parts: readonly ReachableFacts[]): ReachableFacts {
  const distinct = [...new Set(parts)].filter((part) => part.clusterWide.size > 0 || part.namespaced.size > 0);
  if (distinct.length === 0) return noFacts;
  if (distinct.length === 1) return distinct[0]!;
  const clusterWide = new Set<RiskFactId>();
  const namespaced = new Map<RiskFactId, Set<string>>();
  for (const part of distinct) for (const id of part.clusterWide) clusterWide.add(id);
  for (const part of distinct) {
    for (const [id, scopes] of part.namespaced) {
      // Cluster-wide covers every namespace: "gained" only asks whether the source holds it cluster-wide.
      if (clusterWide.has(id)) continue;
      const list = namespaced.get(id);
      if (list) for (const scope of scopes) list.add(scope);
      else namespaced.set(id, new Set(scopes));
    }
  }
  return { clusterWide, namespaced };
}

/**
 * The facts a ServiceAccount can gain by becoming other ServiceAccounts, over any number of hops: ids held
 * by some reachable SA in a scope the SA itself does not hold them in. The same answer as the union of
 * `targetFacts` over escalationPaths, from the graph: after the graph is built (once per model, linear),
 * each class's answer is a union of its direct successors' shared sets.
 */
export function escalationFactIds(model: RbacModel, source: SubjectRef): readonly RiskFactId[] {
  const graph = escalationGraph(model);
  const identity = identityClasses(model).classOf(source.namespace ?? '', source.name);
  let gained = graph.gained.get(identity);
  if (!gained) {
    const summary = classSummary(model, identity);
    // The source follows its own edges even when it can do everything (then it gains nothing anyway).
    const reach = unionOf(graph.targetsOf(summary.edges).map((node) => graph.reachable[node] ?? noFacts));
    const ids = new Set<RiskFactId>();
    for (const id of reach.clusterWide) if (!summary.keys.has(`${id}@*`)) ids.add(id);
    for (const [id, scopes] of reach.namespaced) {
      if (summary.keys.has(`${id}@*`)) continue;
      for (const scope of scopes) if (!summary.keys.has(`${id}@${scope}`)) ids.add(id);
    }
    gained = [...ids].sort();
    graph.gained.set(identity, gained);
  }
  return gained;
}
