/**
 * The permissions a ServiceAccount's observed requests needed: what RBAC allowed it (denied requests
 * were never needed to succeed), minus what every authenticated identity may do anyway, with object
 * names kept only on request.
 */
import type { PermissionEntry } from '../role-generation/compact-rules.js';
import type { Permission } from '../role-generation/permission.js';
import { describeRequest, type RequestKey } from './observed-request.js';
import type { RequestUsage, ServiceAccountUsage } from './usage-types.js';

export interface FromUsageOptions {
  /** Keep object names as resourceNames (`--names`); otherwise a rule allows every object of its resource. */
  readonly names?: boolean | undefined;
  /** Requests every authenticated identity may make (discovery, self reviews): left out of the roles. */
  readonly isBaseline: (request: RequestKey) => boolean;
}

export interface UsageSelection {
  readonly entries: readonly PermissionEntry[];
  /** Requests left out, by reason, with a few examples each. */
  readonly left: {
    readonly baseline: LeftOut;
    readonly denied: LeftOut;
  };
  /**
   * Request shapes whose object names were too many to keep (see the aggregator's per-shape limit): with
   * `names`, their rules allow every object instead, and the user is told.
   */
  readonly namesOverflow: readonly string[];
  /** Without `names`: Secrets the requests named, now reachable all together ("ns/name"). */
  readonly secretNamesCollapsed: readonly string[];
}

export interface LeftOut {
  readonly count: number;
  readonly examples: readonly string[];
}

export function permissionsFromUsage(usage: ServiceAccountUsage, options: FromUsageOptions): UsageSelection {
  const entries: PermissionEntry[] = [];
  const baseline = new LeftOutTally();
  const denied = new LeftOutTally();
  const overflowShapes = new Set<string>();
  const secretNames = new Set<string>();
  for (const row of usage.requests) {
    if (row.denied > 0) denied.add(row, row.denied);
    if (row.allowed === 0) continue;
    if (options.isBaseline(row)) {
      baseline.add(row, row.allowed);
      continue;
    }
    const keepName = options.names === true && !row.otherNames;
    if (!keepName && row.name !== '' && row.apiGroup === '' && row.resource === 'secrets') secretNames.add(`${row.namespace}/${row.name}`);
    if (options.names === true && row.otherNames) overflowShapes.add(describeRequest({ ...row, name: '' }));
    entries.push({ permission: permissionOfRequest(row, keepName), provenance: provenanceOf(row) });
  }
  // A shape that overflowed gives an unnamed permission, which compaction lets absorb its named siblings.
  return {
    entries,
    left: { baseline: baseline.result(), denied: denied.result() },
    namesOverflow: [...overflowShapes].sort(),
    secretNamesCollapsed: [...secretNames].sort(),
  };
}

/** The permission one observed request needed, in its namespace (`` for cluster-wide). */
export function permissionOfRequest(row: RequestKey & { readonly otherNames?: boolean }, keepName: boolean): Permission {
  if (row.resource === '') return { scope: '', verb: row.verb, apiGroup: '', resource: '', name: '', nonResourceURL: row.nonResourceURL };
  return {
    scope: row.namespace,
    verb: row.verb,
    apiGroup: row.apiGroup,
    resource: row.subresource === '' ? row.resource : `${row.resource}/${row.subresource}`,
    name: keepName && !row.otherNames ? row.name : '',
    nonResourceURL: '',
  };
}

function provenanceOf(row: RequestUsage): PermissionEntry['provenance'] {
  return {
    count: row.allowed,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
    examples: [{ text: describeRequest(row), count: row.allowed }],
  };
}

class LeftOutTally {
  private count = 0;
  private readonly examples: { text: string; count: number }[] = [];

  add(row: RequestUsage, count: number): void {
    this.count += count;
    this.examples.push({ text: describeRequest(row), count });
  }

  result(): LeftOut {
    const top = [...this.examples].sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)).slice(0, 3);
    return { count: this.count, examples: top.map((example) => `${example.text} ×${example.count}`) };
  }
}
