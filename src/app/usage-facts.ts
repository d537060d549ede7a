/**
 * The `usage` facts of ServiceAccountProfile documents (policy packs test them), from an audit log read
 * by `scan --audit-log`, or from the audit events a pack fixture case lists.
 */
import type { Inventory } from '../inventory/inventory.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import { decodeAuditLine } from '../sources/audit-log/audit-event.js';
import { profileUsageOf, type ProfileUsage } from '../usage/profile-usage.js';
import { UsageAggregator } from '../usage/usage-aggregator.js';
import { UsageJoiner } from '../usage/usage-join.js';
import type { UsageLog } from '../usage/usage-types.js';
import { rbacModelFor } from './rbac-input.js';

export type UsageFacts = (namespace: string, name: string) => ProfileUsage;

export function usageFactsFor(log: UsageLog, inventory: Inventory, model: RbacModel): UsageFacts {
  return profileUsageOf(new UsageJoiner(log, inventory, model));
}

/** A fixture case's events, checked as the log reader checks a line; a bad one is an error naming its index. */
export function usageFactsFromEvents(
  inventory: Inventory,
  events: readonly unknown[],
  options: { readonly defaultRbac: boolean },
): UsageFacts {
  const aggregator = new UsageAggregator();
  events.forEach((event, index) => {
    const decoded = decodeAuditLine(JSON.stringify(event));
    if (decoded.kind !== 'events') throw new Error(`auditEvents[${index}]: ${decoded.kind === 'bad' ? decoded.reason : 'empty'}`);
    for (const each of decoded.events) aggregator.add(each);
  });
  return usageFactsFor(aggregator.finish(), inventory, rbacModelFor(inventory, options));
}
