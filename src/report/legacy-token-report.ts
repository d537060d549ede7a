import type { LegacyTokenReport } from '../app/token-legacy.js';
import type { LegacyTokenSecretUsage, LegacyTokenUser } from '../tokens/legacy-token-usage.js';
import { kubectlAge } from './age.js';
import { definePrinters } from './printers.js';
import { renderTable } from './table.js';

/**
 * `token legacy` as kubectl would list it: one row per token Secret, the NAMESPACE column only for -A.
 * LAST USED and INVALID SINCE are the API server's labels; `<none>` when it never wrote one.
 */
export const legacyTokenPrinters = definePrinters<{ readonly report: LegacyTokenReport; readonly now: Date }>({
  document: (view) => view.report,
  table: (view) => renderLegacyTokens(view.report, view.now),
});

function renderLegacyTokens(report: LegacyTokenReport, now: Date): string {
  const allNamespaces = report.namespace === null;
  const headers = [...(allNamespaces ? ['namespace'] : []), 'name', 'serviceaccount', 'age', 'last used', 'invalid since', 'used by'];
  const rows = report.items.map((item) => [
    ...(allNamespaces ? [item.namespace] : []),
    item.name,
    serviceAccountCell(item),
    item.createdAt ? kubectlAge((now.getTime() - Date.parse(item.createdAt)) / 1000) : '<unknown>',
    item.lastUsed ?? '<none>',
    item.invalidSince ?? '<none>',
    usedByCell(item),
  ]);
  return renderTable(headers, rows);
}

function serviceAccountCell(item: LegacyTokenSecretUsage): string {
  const name = item.serviceAccount.name ?? '<none>';
  if (item.serviceAccount.exists === false) return `${name} (missing)`;
  if (item.serviceAccount.recreated === true) return `${name} (recreated)`;
  return name;
}

function usedByCell(item: LegacyTokenSecretUsage): string {
  if (item.usage === 'unknown') return '<unknown>';
  if (item.users.length === 0) return '<none>';
  return item.users.map(userCell).join(', ');
}

function userCell(user: LegacyTokenUser): string {
  const name = `${user.kind}/${user.name}`;
  if (user.kind === 'Pod' && user.pods.length === 1 && user.pods[0] === user.name) return name;
  if (user.pods.length === 0) return `${name} (template, no pods)`;
  return `${name} (${user.pods.length} ${user.pods.length === 1 ? 'pod' : 'pods'})`;
}
