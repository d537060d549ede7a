/**
 * Risk facts: named things a set of grants lets a subject do ("can read Secrets", "can create pods"), per
 * scope (cluster-wide or one namespace), with the grants that do it. The facts themselves are data — each
 * declared in a policy pack as the RBAC requests that grant it (`policies/rbac.yaml` holds the built-in
 * ones, after the "RBAC good practices" page of the Kubernetes docs); this module is the engine that
 * evaluates declarations against grants with the authorizer's own matching (`rule-matching.ts`).
 *
 * Requests are probed without resourceNames unless the declaration names some: `get secrets` limited to
 * one name still reads that Secret, so the fact holds, and the detail says which names.
 */
import type { PolicyRule } from '../inventory/kube-object.js';
import { apiGroupMatches, nonResourceURLMatches, resourceMatches, resourceNameMatches, verbMatches } from './rule-matching.js';
import type { Grant, RiskFact } from './types.js';

/** One RBAC request pattern of a fact declaration (the pack format's `facts[].requests[]`). */
export interface RiskFactRequest {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  /** `resource` or `resource/subresource`; `resource/*` means any subresource (any key of `userextras`). */
  readonly resources?: readonly string[];
  /** When given, the rule must allow one of these names; otherwise names are recorded, not required. */
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** A fact as a pack declares it (`facts[]` in the pack format). */
export interface RiskFactDeclaration {
  readonly id: string;
  /** What the fact lets a subject do, as a phrase: "can read Secrets (…)". */
  readonly summary: string;
  /** `cluster`: cluster-scoped resources (nodes, CSRs, webhooks, PVs), which only ClusterRoleBindings grant. */
  readonly scope?: 'any' | 'cluster';
  /** The fact holds when a grant allows any one of these requests … */
  readonly requests?: readonly RiskFactRequest[];
  /** … or when every part is allowed, possibly by different grants (CSR approval needs two). */
  readonly allOf?: readonly { readonly requests: readonly RiskFactRequest[] }[];
  /**
   * Wherever this fact holds, every other fact about resources holds too (a full wildcard): findings
   * about those other facts there share its root cause.
   */
  readonly impliesOtherFacts?: boolean;
}

interface Probe {
  readonly verbs: readonly string[];
  readonly apiGroup: string;
  /** `resource` or `resource/subresource`. */
  readonly resource: string;
  readonly names: readonly string[];
}

interface UrlProbe {
  readonly verbs: readonly string[];
  readonly urls: readonly string[];
}

interface CompiledFact {
  readonly declaration: RiskFactDeclaration;
  /** One list of probes per part: a plain `requests` fact has one part. */
  readonly parts: readonly { readonly probes: readonly Probe[]; readonly urlProbes: readonly UrlProbe[] }[];
  /** Only cluster-wide grants count: declared `scope: cluster`, or a fact about non-resource URLs. */
  readonly clusterScoped: boolean;
  /** False for facts about non-resource URLs only, which no resource wildcard grants. */
  readonly aboutResources: boolean;
}

/** What a view needs to word a fact: where it can hold, and what it implies. */
export interface RiskFactTraits {
  readonly summary: string;
  readonly clusterScoped: boolean;
  readonly aboutResources: boolean;
  readonly impliesOtherFacts: boolean;
}

export function riskFactTraits(catalogue: RiskFactCatalogue, id: string): RiskFactTraits | undefined {
  const fact = catalogue.facts.find((candidate) => candidate.declaration.id === id);
  if (!fact) return undefined;
  return {
    summary: fact.declaration.summary,
    clusterScoped: fact.clusterScoped,
    aboutResources: fact.aboutResources,
    impliesOtherFacts: fact.declaration.impliesOtherFacts === true,
  };
}

/** The declared facts, ready to evaluate; build once per run with `compileRiskFacts`. */
export interface RiskFactCatalogue {
  readonly declarations: readonly RiskFactDeclaration[];
  readonly facts: readonly CompiledFact[];
  /** What one rule matches, per fact and part, cached per rule object (grants share their role's rules). */
  readonly matchCache: WeakMap<PolicyRule, readonly RuleMatch[]>;
  /**
   * The same by the rule's content: a chart installed in 500 namespaces brings 500 Roles with equal rules,
   * matched once against every declared request.
   */
  readonly matchByContent: Map<string, readonly RuleMatch[]>;
}

interface RuleMatch {
  readonly fact: number;
  readonly part: number;
  readonly verbs: readonly string[];
  readonly resources: readonly string[];
}

/** No facts: what the engine knows when no pack declares any. */
export const noRiskFacts: RiskFactCatalogue = compileRiskFacts([]);

export function compileRiskFacts(declarations: readonly RiskFactDeclaration[]): RiskFactCatalogue {
  const facts = declarations.map((declaration): CompiledFact => {
    const partRequests = declaration.allOf ? declaration.allOf.map((part) => part.requests) : [declaration.requests ?? []];
    const parts = partRequests.map((requests) => ({
      probes: requests.flatMap((request) =>
        (request.apiGroups ?? []).flatMap((apiGroup) =>
          (request.resources ?? []).map((resource) => ({ verbs: request.verbs, apiGroup, resource, names: request.resourceNames ?? [] })),
        ),
      ),
      urlProbes: requests
        .filter((request) => (request.nonResourceURLs ?? []).length > 0)
        .map((request) => ({ verbs: request.verbs, urls: request.nonResourceURLs ?? [] })),
    }));
    const urlsOnly = parts.every((part) => part.probes.length === 0 && part.urlProbes.length > 0);
    return { declaration, parts, clusterScoped: declaration.scope === 'cluster' || urlsOnly, aboutResources: !urlsOnly };
  });
  return { declarations, facts, matchCache: new WeakMap(), matchByContent: new Map() };
}

function probeMatches(rule: PolicyRule, probe: Probe): string[] {
  if (!apiGroupMatches(rule, probe.apiGroup)) return [];
  const slash = probe.resource.indexOf('/');
  const subresource = slash === -1 ? '' : probe.resource.slice(slash + 1);
  // `resource/*` in a declaration is any subresource (userextras/<key>): `*`, `*/…` and `resource/…` rules all reach one.
  const resourceOk =
    subresource === '*'
      ? (rule.resources ?? []).some(
          (resource) => resource === '*' || resource.startsWith('*/') || resource.startsWith(probe.resource.slice(0, slash + 1)),
        )
      : resourceMatches(rule, probe.resource, subresource);
  if (!resourceOk) return [];
  if (probe.names.length > 0 && !probe.names.some((name) => resourceNameMatches(rule, name))) return [];
  return probe.verbs.filter((verb) => verbMatches(rule, verb));
}

function urlProbeMatches(rule: PolicyRule, probe: UrlProbe): { verbs: string[]; urls: string[] } {
  const urls = probe.urls.filter((url) => nonResourceURLMatches(rule, url));
  return { verbs: urls.length > 0 ? probe.verbs.filter((verb) => verbMatches(rule, verb)) : [], urls };
}

function ruleMatches(rule: PolicyRule, catalogue: RiskFactCatalogue): readonly RuleMatch[] {
  const cached = catalogue.matchCache.get(rule);
  if (cached) return cached;
  const key = contentKey(rule);
  const same = catalogue.matchByContent.get(key);
  if (same) {
    catalogue.matchCache.set(rule, same);
    return same;
  }
  const found: RuleMatch[] = [];
  catalogue.facts.forEach((fact, factIndex) => {
    fact.parts.forEach((part, partIndex) => {
      const verbs = new Set<string>();
      const resources: string[] = [];
      for (const probe of part.probes) {
        const matched = probeMatches(rule, probe);
        if (matched.length === 0) continue;
        for (const verb of matched) verbs.add(verb);
        const label = probe.apiGroup === '' || probe.apiGroup === '*' ? probe.resource : `${probe.resource}.${probe.apiGroup}`;
        if (!resources.includes(label)) resources.push(label);
      }
      for (const probe of part.urlProbes) {
        const matched = urlProbeMatches(rule, probe);
        if (matched.verbs.length === 0) continue;
        for (const verb of matched.verbs) verbs.add(verb);
        for (const url of matched.urls) if (!resources.includes(url)) resources.push(url);
      }
      if (verbs.size > 0) found.push({ fact: factIndex, part: partIndex, verbs: [...verbs], resources });
    });
  });
  catalogue.matchCache.set(rule, found);
  catalogue.matchByContent.set(key, found);
  return found;
}

/** The fields matching reads, as one string (JSON, so that a number in a hand-written rule is not taken for a string). */
function contentKey(rule: PolicyRule): string {
  return JSON.stringify([rule.verbs, rule.apiGroups, rule.resources, rule.resourceNames, rule.nonResourceURLs]);
}

interface Found {
  grants: Grant[];
  /** Membership for `grants`: a subject with tens of thousands of grants must not pay a linear search each. */
  seen: Set<Grant>;
  verbs: Set<string>;
  resources: Set<string>;
  names: Set<string>;
  limitedToNames: boolean;
  parts: Set<number>;
}

const newFound = (): Found => ({
  grants: [],
  seen: new Set(),
  verbs: new Set(),
  resources: new Set(),
  names: new Set(),
  limitedToNames: true,
  parts: new Set(),
});

function note(found: Found, grant: Grant, match: RuleMatch): void {
  if (!found.seen.has(grant)) {
    found.seen.add(grant);
    found.grants.push(grant);
  }
  found.parts.add(match.part);
  for (const verb of match.verbs) found.verbs.add(verb);
  for (const resource of match.resources) found.resources.add(resource);
  const ruleNames = grant.rule.resourceNames ?? [];
  if (ruleNames.length === 0) found.limitedToNames = false;
  for (const name of ruleNames) found.names.add(name);
}

function merge(into: Found, from: Found): Found {
  const merged = newFound();
  for (const source of [into, from]) {
    for (const grant of source.grants) {
      if (!merged.seen.has(grant)) {
        merged.seen.add(grant);
        merged.grants.push(grant);
      }
    }
    for (const verb of source.verbs) merged.verbs.add(verb);
    for (const resource of source.resources) merged.resources.add(resource);
    for (const name of source.names) merged.names.add(name);
    for (const part of source.parts) merged.parts.add(part);
    merged.limitedToNames &&= source.limitedToNames;
  }
  return merged;
}

/** The facts a subject's grants establish, ordered by declaration, cluster-wide first, then by namespace. */
export function riskFactsOf(grants: readonly Grant[], catalogue: RiskFactCatalogue): RiskFact[] {
  // One pass over the grants, each rule's matches looked up once; then the facts in declaration order.
  const byFact = catalogue.facts.map(() => new Map<string, Found>());
  for (const grant of grants) {
    for (const match of ruleMatches(grant.rule, catalogue)) {
      const fact = catalogue.facts[match.fact];
      if (!fact || (fact.clusterScoped && grant.namespace !== undefined)) continue;
      const scopes = byFact[match.fact];
      if (!scopes) continue;
      const scope = grant.namespace ?? '';
      let found = scopes.get(scope);
      if (!found) scopes.set(scope, (found = newFound()));
      note(found, grant, match);
    }
  }

  const facts: RiskFact[] = [];
  catalogue.facts.forEach((fact, index) => {
    const scopes = byFact[index] ?? new Map<string, Found>();
    const partCount = fact.parts.length;
    const clusterWide = scopes.get('');
    for (const scope of [...scopes.keys()].sort()) {
      let found = scopes.get(scope);
      if (!found) continue;
      // Cluster-wide grants apply in every namespace: a part held cluster-wide completes a namespace's others.
      if (scope !== '' && clusterWide && partCount > 1) found = merge(found, clusterWide);
      if (found.parts.size < partCount) continue;
      facts.push(toFact(fact, scope, found));
    }
  });
  return facts;
}

/** Words that match the scope: a cluster-wide grant of namespaced resources reaches every namespace, kube-system's included. */
export function scopeInWords(namespace: string | undefined, clusterScoped: boolean): string {
  if (namespace !== undefined) return `in namespace ${namespace}`;
  return clusterScoped ? 'cluster-wide' : 'in every namespace, including kube-system';
}

function toFact(fact: CompiledFact, scope: string, found: Found): RiskFact {
  const declaration = fact.declaration;
  const where = scopeInWords(scope === '' ? undefined : scope, fact.clusterScoped);
  const names = found.limitedToNames && found.names.size > 0 ? [...found.names].sort() : [];
  const limited = names.length > 0 ? ` (only ${names.join(', ')})` : '';
  const detail = `${declaration.summary}: ${[...found.verbs].sort().join(', ')} on ${[...found.resources].join(', ')}${limited} ${where}`;
  return { id: declaration.id, ...(scope === '' ? {} : { namespace: scope }), detail, grants: found.grants, resourceNames: names };
}

/**
 * The parts of multi-part facts (`allOf`) that grants satisfy, as `id#part@scope` keys (`*` for
 * cluster-wide): escalation summaries union them across bindings, then `completedFacts` says which facts
 * the union completes.
 */
export function factPartsOf(grants: readonly Grant[], catalogue: RiskFactCatalogue): Set<string> {
  const keys = new Set<string>();
  for (const grant of grants) {
    for (const match of ruleMatches(grant.rule, catalogue)) {
      const fact = catalogue.facts[match.fact];
      if (!fact || fact.parts.length < 2 || (fact.clusterScoped && grant.namespace !== undefined)) continue;
      keys.add(`${fact.declaration.id}#${match.part}@${grant.namespace ?? '*'}`);
    }
  }
  return keys;
}

/** The `id@scope` keys of multi-part facts whose every part `parts` holds (cluster-wide parts count everywhere). */
export function completedFacts(parts: ReadonlySet<string>, catalogue: RiskFactCatalogue): string[] {
  const completed: string[] = [];
  const scopes = new Set([...parts].map((key) => key.slice(key.indexOf('@') + 1)));
  for (const fact of catalogue.facts) {
    if (fact.parts.length < 2) continue;
    const id = fact.declaration.id;
    for (const scope of scopes) {
      const all = fact.parts.every((_, index) => parts.has(`${id}#${index}@${scope}`) || parts.has(`${id}#${index}@*`));
      if (all) completed.push(`${id}@${scope}`);
    }
  }
  return completed;
}
