/**
 * Escalation: which other ServiceAccounts a subject can act as, directly or over several hops, and what it
 * gains there. The edges are the facts that hand over another identity:
 *  - workload-create in a namespace → every ServiceAccount of that namespace (a pod may name any of them);
 *  - token-create → the named ServiceAccounts (all of the namespace without resourceNames);
 *  - impersonate on serviceaccounts, or on users named `system:serviceaccount:…` (or any user).
 * Pods and tokens need the ServiceAccount to exist (admission rejects a pod naming a missing one, TokenRequest
 * answers 404): where the input shows a namespace's every ServiceAccount, one that bindings name but that does
 * not exist is reached that way only by a subject that may also create ServiceAccounts there, and the hop says
 * so. Impersonation needs no object: a username is enough.
 *
 * Two questions, two costs. "What can this SA gain?" (a rule over every SA of a scan) is answered from a
 * graph built once per model over identity classes (identity-classes.ts) and namespace hubs ("any SA of N"),
 * whose strongly connected components are condensed so that each component's reachable facts are unioned
 * once: O(classes + edges) for all SAs together, never O(SA²). "How exactly?" — the hop-by-hop paths that
 * `permissions` prints — is a breadth-first walk from one SA, materialised only when asked for.
 */
import { identityClasses, type ClassIndex, type IdentityClass } from './identity-classes.js';
import { serviceAccountUserPrefix, serviceAccountUsername, type RbacModel, type RoleRecord } from './rbac-model.js';
import { apiGroupMatches, resourceMatches, resourceNameMatches, verbMatches } from './rule-matching.js';
import { completedFacts, factPartsOf, riskFactsOf } from './risk-facts.js';
import type { Existence } from '../inventory/service-account-existence.js';
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
  /** Parts of multi-part facts (`id#part@scope`): a subject may hold them through different bindings. */
  readonly parts: ReadonlySet<string>;
  /** Namespaces where it may create ServiceAccounts (`*`: every one): what lets it reach one that does not exist. */
  readonly serviceAccountCreate: ReadonlySet<string>;
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
  /** `id#part` of the multi-part facts' parts the role grants, scope left to the binding. */
  readonly parts: readonly string[];
  readonly serviceAccountCreate: boolean;
}
const placeholderNamespace = '\u0000namespace';
const roleProfiles = new WeakMap<RoleRecord, { cluster?: RoleProfile; namespaced?: RoleProfile }>();

function roleProfile(model: RbacModel, role: RoleRecord, clusterWide: boolean): RoleProfile {
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
    defaultRbac: false,
    builtInRole: role.defaultRbac,
  }));
  const facts = riskFactsOf(grants, model.riskFacts);
  const profile: RoleProfile = {
    ids: [...new Set(facts.map((fact) => fact.id))],
    edges: edgesOf(facts),
    parts: [...factPartsOf(grants, model.riskFacts)].map((key) => key.slice(0, key.indexOf('@'))),
    // A create request carries no name when it is authorised: a rule limited to resourceNames never allows it.
    serviceAccountCreate: role.rules.some(
      (rule) =>
        verbMatches(rule, 'create') &&
        apiGroupMatches(rule, '') &&
        resourceMatches(rule, 'serviceaccounts', '') &&
        resourceNameMatches(rule, ''),
    ),
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
    const parts = new Set<string>();
    const serviceAccountCreate = new Set<string>();
    for (const binding of model.bindingsBySubject.get(key) ?? []) {
      if (!binding.role) continue;
      const profile = roleProfile(model, binding.role, binding.namespace === undefined);
      if (profile.serviceAccountCreate) serviceAccountCreate.add(binding.namespace ?? '*');
      for (const id of profile.ids) keys.add(`${id}@${binding.namespace ?? '*'}`);
      for (const edge of profile.edges) {
        const placed: Edge = edge.namespace === undefined ? edge : { ...edge, namespace: binding.namespace };
        const edgeKey = `${placed.via}|${placed.namespace ?? '*'}|${String(placed.byUsername)}|${placed.names ? [...placed.names].sort().join(',') : '*'}`;
        if (!edges.has(edgeKey)) edges.set(edgeKey, placed);
      }
      for (const part of profile.parts) parts.add(`${part}@${binding.namespace ?? '*'}`);
    }
    // A key may hold the parts of a multi-part fact (CSR approval) through different bindings.
    for (const completed of completedFacts(parts, model.riskFacts)) keys.add(completed);
    summary = { keys, edges: [...edges.values()], parts, serviceAccountCreate };
    cache.byKey.set(key, summary);
  }
  return summary;
}

/**
 * The union over a class's subject keys (its username for a class of one, and the three groups); computed
 * once per class. A multi-part fact (csr-approve) may take its parts from different keys.
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
    const factParts = new Set(parts.flatMap((part) => [...part.parts]));
    for (const completed of completedFacts(factParts, model.riskFacts)) factKeys.add(completed);
    const serviceAccountCreate = new Set(parts.flatMap((part) => [...part.serviceAccountCreate]));
    summary = { keys: factKeys, edges: parts.flatMap((part) => part.edges), parts: factParts, serviceAccountCreate };
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
 * How an edge reaches a ServiceAccount. Impersonation needs only a username. A pod or a token needs the
 * object: one that exists is reached; one known not to exist only by a subject that may create it there
 * (`creates`); one whose namespace's ServiceAccounts were not read is `unknown` — reached only if it exists —
 * unless the subject may create it anyway.
 */
type Reach = 'yes' | 'creates' | 'unknown' | 'no';

function reachOf(exists: Existence, sa: SubjectRef, edge: Edge, createIn: ReadonlySet<string>): Reach {
  if (edge.via === 'impersonate' || exists === true) return 'yes';
  if (mayCreateIn(createIn, sa.namespace ?? '')) return exists === false ? 'creates' : 'yes';
  return exists === false ? 'no' : 'unknown';
}

function mayCreateIn(scopes: ReadonlySet<string>, namespace: string): boolean {
  return scopes.has('*') || scopes.has(namespace);
}

/**
 * The paths, materialised: breadth-first over the targets, so each path is a shortest one. A target is
 * reported when it holds a fact the source does not (a cluster-wide fact is new even if the source has it
 * in some namespace); targets that add nothing are still walked through, since they may lead further. A
 * target that can do everything (cluster-admin, system:masters) ends its path: every SA beyond it is
 * reachable but adds nothing to it. O(SAs + edges) for one source: for `permissions` and for rules that
 * read the paths, never for every SA of a scan at once.
 *
 * Two passes: first the paths that hold (`certain`), then — only where some ServiceAccounts' existence is
 * unknown — the walk goes on from every subject reached, through those too, and what it adds is reported
 * with `certain: false`: a possibility, never a claim.
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
  const byExistence = serviceAccountsByExistence(model);

  const paths: EscalationPath[] = [];
  const visited = new Set<SubjectRef>();
  const sourceRef = index.byUsername.get(serviceAccountUsername(source.namespace ?? '', source.name));
  if (sourceRef) visited.add(sourceRef);

  type Node = { readonly hops: EscalationPath['hops']; readonly edges: readonly Edge[]; readonly createIn: ReadonlySet<string> };
  const start: Node = { hops: [], edges: edgesOf(sourceFacts), createIn: summaryOf(model, index, source).serviceAccountCreate };

  const walk = (from: readonly Node[], certain: boolean, keep: boolean): Node[] => {
    const expandedNodes: Node[] = [];
    // Each edge once per ServiceAccount-create scope of its follower (most subjects have none, so once); each
    // group of SAs an unnamed edge reaches (a namespace's existing, missing or unread ones) is walked once.
    const followed = new Set<string>();
    const edgeIds = new Map<Edge, number>();
    const expandedGroups = new Set<string>();
    let frontier = from.slice();
    while (frontier.length > 0) {
      if (keep) for (const node of frontier) expandedNodes.push(node);
      const next: Node[] = [];
      // `exists` is known for the SAs of a group (existing, missing, unread); looked up for a named one.
      const reach = (to: SubjectRef | undefined, edge: Edge, node: Node, exists?: Existence) => {
        if (!to || visited.has(to)) return;
        if (to.namespace === source.namespace && to.name === source.name) return;
        const how = reachOf(exists === undefined ? existenceOf(model, to) : exists, to, edge, node.createIn);
        if (how === 'no' || (how === 'unknown' && certain)) return;
        visited.add(to);
        const summary = summaryOf(model, index, to);
        const hop = { via: edge.via, ...(edge.namespace === undefined ? {} : { namespace: edge.namespace }), to };
        const hops = [
          ...node.hops,
          how === 'creates'
            ? { ...hop, createsServiceAccount: true as const }
            : how === 'unknown'
              ? { ...hop, existenceUnknown: true as const }
              : hop,
        ];
        const targetFacts = gainedIds(summary);
        if (targetFacts.length > 0) paths.push({ target: to, hops, targetFacts, certain });
        if (!holdsEverything(summary)) next.push({ hops, edges: summary.edges, createIn: summary.serviceAccountCreate });
      };
      const expand = (group: string, members: readonly SubjectRef[] | undefined, exists: Existence, edge: Edge, node: Node) => {
        if (expandedGroups.has(group)) return;
        expandedGroups.add(group);
        for (const sa of members ?? []) reach(sa, edge, node, exists);
      };
      for (const node of frontier) {
        const scope = [...node.createIn].sort().join(',');
        for (const edge of node.edges) {
          let edgeId = edgeIds.get(edge);
          if (edgeId === undefined) edgeIds.set(edge, (edgeId = edgeIds.size));
          if (followed.has(`${edgeId}|${scope}`)) continue;
          followed.add(`${edgeId}|${scope}`);
          if (edge.names === undefined) {
            // Every SA in scope: the existing ones for anyone; the missing and unread ones for whom they suit.
            const anyName = edge.via === 'impersonate';
            const everywhere = edge.namespace === undefined;
            const namespaces = everywhere ? [...node.createIn].filter((namespace) => namespace !== '*') : [edge.namespace ?? ''];
            const createsEverywhere = anyName || (everywhere ? node.createIn.has('*') : mayCreateIn(node.createIn, edge.namespace ?? ''));
            if (everywhere) {
              expand('*|existing', byExistence.existing.all, true, edge, node);
              if (createsEverywhere) expand('*|missing', byExistence.missing.all, false, edge, node);
              if (createsEverywhere || !certain) expand('*|unknown', byExistence.unknown.all, null, edge, node);
            } else expand(`${edge.namespace}|existing`, byExistence.existing.byNamespace.get(edge.namespace ?? ''), true, edge, node);
            for (const namespace of namespaces) {
              const creates = anyName || mayCreateIn(node.createIn, namespace);
              if (creates) expand(`${namespace}|missing`, byExistence.missing.byNamespace.get(namespace), false, edge, node);
              if (creates || !certain) expand(`${namespace}|unknown`, byExistence.unknown.byNamespace.get(namespace), null, edge, node);
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
    return expandedNodes;
  };

  // The second pass starts from every subject the first reached, so the first keeps them only when it will run.
  const unknownExist = byExistence.unknown.all.length > 0;
  const reached = walk([start], true, unknownExist);
  if (unknownExist) walk(reached, false, false);
  return paths;
}

/** Known ServiceAccounts grouped by whether they exist: what a pod or a token can name. */
interface ServiceAccountGroup {
  readonly all: readonly SubjectRef[];
  readonly byNamespace: ReadonlyMap<string, readonly SubjectRef[]>;
}
interface ByExistence {
  readonly existing: ServiceAccountGroup;
  readonly missing: ServiceAccountGroup;
  readonly unknown: ServiceAccountGroup;
  /** Each known SA's answer, asked once: a walk over 100,000 SAs asks again for each it reaches. */
  readonly of: ReadonlyMap<SubjectRef, Existence>;
}
const byExistenceCache = new WeakMap<RbacModel, ByExistence>();

function serviceAccountsByExistence(model: RbacModel): ByExistence {
  let found = byExistenceCache.get(model);
  if (!found) {
    const group = () => ({ all: [] as SubjectRef[], byNamespace: new Map<string, SubjectRef[]>() });
    const of = new Map<SubjectRef, Existence>();
    const groups = { existing: group(), missing: group(), unknown: group(), of };
    for (const sa of model.serviceAccounts) {
      const exists = model.serviceAccountExists(sa.namespace ?? '', sa.name);
      of.set(sa, exists);
      const into = exists === true ? groups.existing : exists === false ? groups.missing : groups.unknown;
      into.all.push(sa);
      const list = into.byNamespace.get(sa.namespace ?? '');
      if (list) list.push(sa);
      else into.byNamespace.set(sa.namespace ?? '', [sa]);
    }
    found = groups;
    byExistenceCache.set(model, found);
  }
  return found;
}

/** Whether the SA exists: known SAs (the objects of model.serviceAccounts) from the index, others asked. */
function existenceOf(model: RbacModel, sa: SubjectRef): Existence {
  const known = serviceAccountsByExistence(model).of.get(sa);
  return known === undefined ? model.serviceAccountExists(sa.namespace ?? '', sa.name) : known;
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
  /** Per node (classes, then namespace hubs, then the all-namespaces hubs): what its component reaches. */
  readonly reachable: readonly ReachableFacts[];
  /** Per node: 1 when what it reaches may be more, through ServiceAccounts whose existence is unknown. */
  readonly unsure: Uint8Array;
  readonly targetsOf: (edges: readonly Edge[], createIn: ReadonlySet<string>) => Targets;
  readonly gained: Map<IdentityClass, EscalationFacts>;
}

interface Targets {
  readonly nodes: readonly number[];
  /** Some ServiceAccount the edges name was left out because whether it exists is unknown. */
  readonly unsure: boolean;
}

/** What a ServiceAccount can gain by escalation, as a claim; `unsure` when unread ServiceAccounts may add more. */
export interface EscalationFacts {
  readonly ids: readonly RiskFactId[];
  readonly unsure: boolean;
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
  // asked about) are never a target, so their own numbers are never looked up here. Each namespace has two
  // hubs: every class of it (reached by impersonation, or by a subject that may create ServiceAccounts
  // there), and the classes with a member known to exist (reached by pods and tokens); so has "every
  // namespace". The graph holds claims only: a class none of whose members is known to exist or not
  // (not read) is left out of the second hub, which is marked unsure instead.
  const classes = index.classes.slice();
  const classCount = classes.length;
  const namespaces = [...index.classesByNamespace.keys()];
  const fullHubOf = new Map(namespaces.map((namespace, offset) => [namespace, classCount + offset]));
  const existingHubOf = new Map(namespaces.map((namespace, offset) => [namespace, classCount + namespaces.length + offset]));
  const allFull = classCount + 2 * namespaces.length;
  const allExisting = allFull + 1;
  const nodeCount = allExisting + 1;

  const targetsOf = (edges: readonly Edge[], createIn: ReadonlySet<string>): Targets => {
    const targets = new Set<number>();
    let unsure = false;
    const add = (sa: SubjectRef | undefined, edge: Edge) => {
      if (!sa) return;
      const how = reachOf(existenceOf(model, sa), sa, edge, createIn);
      if (how === 'unknown') unsure = true;
      if (how === 'yes' || how === 'creates') targets.add(index.classOf(sa.namespace ?? '', sa.name).index);
    };
    for (const edge of edges) {
      if (edge.names === undefined) {
        const full = edge.via === 'impersonate';
        if (edge.namespace === undefined) {
          if (full || createIn.has('*')) targets.add(allFull);
          else if (createIn.size === 0) targets.add(allExisting);
          else {
            // Rare (ServiceAccount create in some namespaces): each namespace's hub of its kind, so that an
            // unread one it may create ServiceAccounts in leaves nothing unsure.
            for (const namespace of namespaces) targets.add((mayCreateIn(createIn, namespace) ? fullHubOf : existingHubOf).get(namespace)!);
          }
          continue;
        }
        const hub = (full || mayCreateIn(createIn, edge.namespace) ? fullHubOf : existingHubOf).get(edge.namespace);
        if (hub !== undefined) targets.add(hub);
        continue;
      }
      for (const name of edge.names) {
        if (edge.byUsername) {
          if (name.startsWith(serviceAccountUserPrefix)) add(index.byUsername.get(name), edge);
        } else if (edge.namespace === undefined) {
          for (const sa of index.byName.get(name) ?? []) add(sa, edge);
        } else add(index.byUsername.get(serviceAccountUsername(edge.namespace, name)), edge);
      }
    }
    return { nodes: [...targets], unsure };
  };

  // Adjacency: a class reaches what its edges name, unless it can do everything (nothing beyond it adds);
  // a namespace hub reaches that namespace's classes (all, or those with a member that exists); the
  // all-namespaces hubs every namespace hub of their kind.
  const successors: number[][] = new Array<number[]>(nodeCount);
  const own: ReachableFacts[] = new Array<ReachableFacts>(nodeCount).fill(noFacts);
  const ownUnsure = new Uint8Array(nodeCount);
  for (const identity of classes) {
    const summary = classSummary(model, identity);
    own[identity.index] = factsOfKeys(summary.keys);
    if (holdsEverything(summary)) successors[identity.index] = [];
    else {
      const targets = targetsOf(summary.edges, summary.serviceAccountCreate);
      successors[identity.index] = [...targets.nodes];
      if (targets.unsure) ownUnsure[identity.index] = 1;
    }
  }
  for (const namespace of namespaces) {
    const inNamespace = index.classesByNamespace.get(namespace) ?? [];
    const hub = existingHubOf.get(namespace) ?? 0;
    successors[fullHubOf.get(namespace) ?? 0] = inNamespace.map((identity) => identity.index);
    successors[hub] = [];
    for (const identity of inNamespace) {
      const states = identity.members.map((sa) => existenceOf(model, sa));
      if (states.includes(true)) successors[hub].push(identity.index);
      else if (states.includes(null)) ownUnsure[hub] = 1;
    }
  }
  successors[allFull] = [...fullHubOf.values()];
  successors[allExisting] = [...existingHubOf.values()];

  const { reachable, unsure } = unionOverComponents(successors, own, ownUnsure);
  return { classCount, reachable, unsure, targetsOf, gained: new Map() };
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
function unionOverComponents(
  successors: readonly number[][],
  own: readonly ReachableFacts[],
  ownUnsure: Uint8Array,
): { reachable: ReachableFacts[]; unsure: Uint8Array } {
  const count = successors.length;
  const unsure = new Uint8Array(count);
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const reachable = new Array<ReachableFacts>(count);
  let counter = 0;

  // One depth-first walk per root, as a function of its own: V8 optimises a function called once per root,
  // where the walk as an inner loop was optimised on the stack and thrown back to the interpreter at every
  // root it finished (47 times in a realistic 10k scan).
  const walkFrom = (root: number): void => {
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
      let componentUnsure = 0;
      for (const node of members) {
        parts.push(own[node] ?? noFacts);
        componentUnsure |= ownUnsure[node]!;
        for (const to of successors[node] ?? []) {
          if (inComponent.has(to)) continue;
          parts.push(reachable[to] ?? noFacts);
          componentUnsure |= unsure[to]!;
        }
      }
      const union = unionOf(parts);
      for (const node of members) {
        reachable[node] = union;
        unsure[node] = componentUnsure;
      }
    }
  };
  for (let root = 0; root < count; root++) if (order[root] === -1) walkFrom(root);
  return { reachable, unsure };
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
 * `targetFacts` over the certain escalationPaths, from the graph: after the graph is built (once per model,
 * linear), each class's answer is a union of its direct successors' shared sets. `unsure` when a
 * ServiceAccount whose existence is unknown (not read) lies on the way: the ids are then a lower bound.
 */
export function escalationFacts(model: RbacModel, source: SubjectRef): EscalationFacts {
  const graph = escalationGraph(model);
  const identity = identityClasses(model).classOf(source.namespace ?? '', source.name);
  let gained = graph.gained.get(identity);
  if (!gained) {
    const summary = classSummary(model, identity);
    // The source follows its own edges even when it can do everything (then it gains nothing anyway).
    const targets = graph.targetsOf(summary.edges, summary.serviceAccountCreate);
    const reach = unionOf(targets.nodes.map((node) => graph.reachable[node] ?? noFacts));
    const ids = new Set<RiskFactId>();
    for (const id of reach.clusterWide) if (!summary.keys.has(`${id}@*`)) ids.add(id);
    for (const [id, scopes] of reach.namespaced) {
      if (summary.keys.has(`${id}@*`)) continue;
      for (const scope of scopes) if (!summary.keys.has(`${id}@${scope}`)) ids.add(id);
    }
    const unsure = targets.unsure || targets.nodes.some((node) => graph.unsure[node] === 1);
    gained = { ids: [...ids].sort(), unsure };
    graph.gained.set(identity, gained);
  }
  return gained;
}

/** escalationFacts' ids: what the SA can gain, certainly. */
export function escalationFactIds(model: RbacModel, source: SubjectRef): readonly RiskFactId[] {
  return escalationFacts(model, source).ids;
}
