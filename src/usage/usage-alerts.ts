/**
 * The alerts the ServiceAccount runbooks ask operators to write in jq: a namespace's `default`
 * ServiceAccount calling the API, Secrets read, requests RBAC refused, legacy tokens still in use, and
 * calls from an unexpected client or address. One per kind and ServiceAccount, with counts and when.
 */
import { describeRequest } from './observed-request.js';
import type { RequestUsage, ServiceAccountUsage, UsageAlert } from './usage-types.js';

const secretReadVerbs = new Set(['get', 'list', 'watch']);

export function isSecretRead(request: RequestUsage): boolean {
  return request.apiGroup === '' && request.resource === 'secrets' && request.subresource === '' && secretReadVerbs.has(request.verb);
}

export function alertsOf(usage: Omit<ServiceAccountUsage, 'alerts'>): UsageAlert[] {
  const alerts: UsageAlert[] = [];
  if (usage.name === 'default') {
    alerts.push({
      id: 'default-sa-call',
      count: usage.count,
      firstSeen: usage.firstSeen,
      lastSeen: usage.lastSeen,
      detail: `the default ServiceAccount of ${usage.namespace} made ${usage.count} request(s): ${examples(usage.requests)}`,
    });
  }
  const secretReads = usage.requests.filter(isSecretRead);
  if (secretReads.length > 0) {
    const allowed = sum(secretReads, (row) => row.allowed);
    const denied = sum(secretReads, (row) => row.denied);
    alerts.push({
      id: 'secrets-read',
      count: allowed + denied,
      ...span(secretReads),
      detail: `read Secrets ${allowed + denied} time(s) (${allowed} allowed, ${denied} denied): ${examples(secretReads)}`,
    });
  }
  const denied = usage.requests.filter((row) => row.denied > 0);
  if (denied.length > 0) {
    alerts.push({
      id: 'rbac-denied',
      count: sum(denied, (row) => row.denied),
      ...span(denied),
      detail: `RBAC refused ${sum(denied, (row) => row.denied)} request(s): ${examples(denied)}`,
    });
  }
  if (usage.legacyTokens.length > 0) {
    const count = sum(usage.legacyTokens, (token) => token.count);
    const secrets = usage.legacyTokens.map((token) =>
      token.secret ? `Secret ${usage.namespace}/${token.secret} (${token.kind})` : 'a Secret-based token',
    );
    alerts.push({
      id: 'legacy-token',
      count,
      ...span(usage.legacyTokens),
      detail: `authenticated ${count} time(s) with a legacy long-lived token: ${[...new Set(secrets)].join(', ')}`,
    });
  }
  const { userAgent, sourceIP } = usage.unexpected;
  if (userAgent) {
    alerts.push({
      id: 'unexpected-user-agent',
      count: userAgent.count,
      firstSeen: userAgent.firstSeen,
      lastSeen: userAgent.lastSeen,
      detail: `${userAgent.count} call(s) from an unexpected client, e.g. ${userAgent.examples[0] ?? ''}`,
    });
  }
  if (sourceIP) {
    alerts.push({
      id: 'unexpected-source-ip',
      count: sourceIP.count,
      firstSeen: sourceIP.firstSeen,
      lastSeen: sourceIP.lastSeen,
      detail: `${sourceIP.count} call(s) from an unexpected address, e.g. ${sourceIP.examples[0] ?? ''}`,
    });
  }
  return alerts;
}

/** The three most frequent requests, readable. */
function examples(rows: readonly RequestUsage[]): string {
  const top = [...rows].sort((a, b) => b.count - a.count).slice(0, 3);
  const text = top.map((row) => `${describeRequest(row)} ×${row.count}`).join(', ');
  return rows.length > 3 ? `${text}, …` : text;
}

function span(rows: readonly { firstSeen: string; lastSeen: string }[]): { firstSeen: string; lastSeen: string } {
  let first = rows[0]?.firstSeen ?? '';
  let last = rows[0]?.lastSeen ?? '';
  for (const row of rows) {
    if (Date.parse(row.firstSeen) < Date.parse(first)) first = row.firstSeen;
    if (Date.parse(row.lastSeen) > Date.parse(last)) last = row.lastSeen;
  }
  return { firstSeen: first, lastSeen: last };
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += value(item);
  return total;
}
