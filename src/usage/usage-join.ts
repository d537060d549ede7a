/**
 * The audit log joined with the inventory and the RBAC engine: ServiceAccounts that made no request in the
 * log's window (unused), and rights they hold that no observed request needed (overreach). A grant is
 * used when it would allow at least one request the ServiceAccount made and RBAC allowed — every grant
 * that would, not only the first the authorizer visits, since removing one leaves the others.
 */
import type { Inventory } from '../inventory/inventory.js';
import { allRulesFor, serviceAccountIdentity } from '../rbac/authorize.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import { ruleAllows } from '../rbac/rule-matching.js';
import { isBaselineGrant } from '../rbac/service-account-rbac.js';
import type { Grant } from '../rbac/types.js';
import { permissionOfRequest } from './needed-permissions.js';
import {
  attributesOf,
  cutList,
  describePermission,
  permissionsOfRule,
  ruleCovers,
  ruleOfPermission,
} from '../role-generation/permission.js';
import { describeRequest } from './observed-request.js';
import type { RequestUsage, SeenWindow, ServiceAccountUsage, UsageLog } from './usage-types.js';

/** A grant the ServiceAccount holds (rule, role, binding, scope, via), and how much of it was used. */
export interface GrantUsage extends Grant {
  /** Allowed requests this grant would allow. */
  readonly requests: number;
  readonly status: 'unused' | 'partly-used' | 'used';
  /** The rule's permissions no observed request exercised ("delete pods", "* secrets"). */
  readonly unusedPermissions: readonly string[];
  /** The most frequent requests it allowed, readable. */
  readonly usedFor: readonly string[];
}

export interface ServiceAccountJoin {
  readonly namespace: string;
  readonly name: string;
  /** The ServiceAccount is in the inventory (declared, or a namespace's default). */
  readonly known: boolean;
  readonly requests: number;
  /** Nothing in the window: no request, allowed or denied. */
  readonly unused: boolean;
  /** Why it is neither used nor unused, when so (created after the log ends). */
  readonly unknownBecause: string | null;
  /** Holds something beyond what every authenticated identity holds. */
  readonly holdsRights: boolean;
  readonly grants: readonly GrantUsage[];
  readonly unusedGrants: number;
}

export interface UsageJoin {
  readonly window: SeenWindow | null;
  /** Every ServiceAccount of the inventory in scope and every one the log names, sorted. */
  readonly serviceAccounts: readonly ServiceAccountJoin[];
}

export interface JoinOptions {
  /** Only ServiceAccounts of this namespace; undefined: all. */
  readonly namespace?: string | undefined;
}

/** Permissions of a rule listed as unused before the list is cut short. */
const listedPermissions = 25;

export function joinUsage(log: UsageLog, inventory: Inventory, model: RbacModel, options: JoinOptions = {}): UsageJoin {
  const joiner = new UsageJoiner(log, inventory, model);
  const inScope = (namespace: string) => options.namespace === undefined || options.namespace === namespace;
  return {
    window: log.window,
    serviceAccounts: joiner
      .keys()
      .filter(({ namespace }) => inScope(namespace))
      .map(({ namespace, name }) => joiner.serviceAccount(namespace, name)),
  };
}

/**
 * The join, one ServiceAccount at a time and each at most once: a scan asks only for the ServiceAccounts
 * it builds profiles of, and pays for their grants only.
 */
export class UsageJoiner {
  private readonly usageByKey: ReadonlyMap<string, ServiceAccountUsage>;
  private readonly known = new Map<string, { namespace: string; name: string; created: string | undefined }>();
  private readonly cache = new Map<string, ServiceAccountJoin>();

  constructor(
    readonly log: UsageLog,
    inventory: Inventory,
    private readonly model: RbacModel,
  ) {
    this.usageByKey = new Map(log.serviceAccounts.map((usage) => [`${usage.namespace}/${usage.name}`, usage]));
    for (const entry of inventory.serviceAccounts) {
      const namespace = entry.ref.namespace ?? 'default';
      this.known.set(`${namespace}/${entry.ref.name}`, {
        namespace,
        name: entry.ref.name,
        created: entry.object.metadata.creationTimestamp,
      });
    }
    // The control plane creates `default` in every namespace; offline inputs rarely declare it.
    for (const namespace of inventory.namespaceNames()) {
      if (!this.known.has(`${namespace}/default`))
        this.known.set(`${namespace}/default`, { namespace, name: 'default', created: undefined });
    }
  }

  /** Every ServiceAccount of the inventory and every one the log names, sorted by namespace and name. */
  keys(): { namespace: string; name: string }[] {
    const all = new Map<string, { namespace: string; name: string }>();
    for (const [key, { namespace, name }] of this.known) all.set(key, { namespace, name });
    for (const [key, usage] of this.usageByKey) all.set(key, { namespace: usage.namespace, name: usage.name });
    return [...all.values()].sort((a, b) =>
      a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  usage(namespace: string, name: string): ServiceAccountUsage | undefined {
    return this.usageByKey.get(`${namespace}/${name}`);
  }

  serviceAccount(namespace: string, name: string): ServiceAccountJoin {
    const key = `${namespace}/${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const usage = this.usageByKey.get(key);
    const created = this.known.get(key)?.created;
    const window = this.log.window;
    const createdAfter =
      usage === undefined && created !== undefined && window !== null && Date.parse(created) > Date.parse(window.lastSeen);
    const grants = grantUsage(this.model, namespace, name, usage);
    const joined: ServiceAccountJoin = {
      namespace,
      name,
      known: this.known.has(key),
      requests: usage?.count ?? 0,
      unused: usage === undefined && !createdAfter,
      unknownBecause: createdAfter ? `created ${created ?? ''}, after the log ends` : null,
      holdsRights: grants.length > 0,
      grants,
      unusedGrants: grants.filter((grant) => grant.status === 'unused').length,
    };
    this.cache.set(key, joined);
    return joined;
  }
}

/** Each grant the ServiceAccount holds beyond the baseline, with the observed requests it would allow. */
export function grantUsage(model: RbacModel, namespace: string, name: string, usage: ServiceAccountUsage | undefined): GrantUsage[] {
  const allowedRows = (usage?.requests ?? []).filter((row) => row.allowed > 0);
  return allRulesFor(model, serviceAccountIdentity(namespace, name))
    .filter((grant) => !isBaselineGrant(grant))
    .map((grant) => usageOfGrant(grant, allowedRows));
}

function usageOfGrant(grant: Grant, rows: readonly RequestUsage[]): GrantUsage {
  const matched = rows.filter((row) => appliesIn(grant, row) && ruleAllows(grant.rule, attributesOf(permissionOfRequest(row, true))));
  const requests = matched.reduce((total, row) => total + row.allowed, 0);
  const permissions = permissionsOfRule(grant.rule, grant.namespace ?? '');
  const unused = permissions.filter(
    (permission) => !matched.some((row) => ruleCovers(ruleOfPermission(permission), permissionOfRequest(row, true))),
  );
  const status = matched.length === 0 ? 'unused' : unused.length === 0 ? 'used' : 'partly-used';
  const usedFor = [...matched]
    .sort((a, b) => b.allowed - a.allowed)
    .slice(0, 3)
    .map((row) => `${describeRequest(row)} ×${row.allowed}`);
  const listed = unused.map((permission) => describePermission(permission));
  return { ...grant, requests, status, unusedPermissions: cutList(listed, listedPermissions), usedFor };
}

/** A RoleBinding's grant applies in its namespace only; cluster-wide requests need a ClusterRoleBinding. */
function appliesIn(grant: Grant, row: RequestUsage): boolean {
  if (grant.namespace === undefined) return true;
  return row.resource !== '' && row.namespace === grant.namespace;
}
