/** Escalation paths in words, the same in `permissions` and in findings. */
import { edgesOf } from './escalation.js';
import type { EscalationPath, RiskFact, RiskFactId } from './types.js';

/** How each edge reads: the action that hands over the other identity. */
const hopActions: Partial<Record<RiskFactId, string>> = {
  'workload-create': 'pod create',
  'token-create': 'token create',
  impersonate: 'impersonate',
};

/**
 * "can become kube-system:foo (via pod create in team), which holds cluster-admin"; over several hops
 * "(via pod create in team → build:runner, then token create in infra)"; to a ServiceAccount that does not
 * exist, "(via pod create in kube-system after creating ServiceAccount kube-system:x, which it may)"; through
 * one whose namespace's ServiceAccounts were not read, "could become … if kube-system:x exists (not read)".
 * cluster-admin (or system:masters) stands alone: every other fact follows from it. An edge granted
 * cluster-wide reads "in every namespace".
 */
export function describeEscalation(path: EscalationPath): string {
  const unread: string[] = [];
  const hops = path.hops.map((hop, index) => {
    const to = `${hop.to.namespace ?? ''}:${hop.to.name}`;
    if (hop.existenceUnknown) unread.push(to);
    // The SA does not exist; the subject may create it first, and the path says so rather than assume it exists.
    const creating = hop.createsServiceAccount ? ` after creating ServiceAccount ${to}, which it may` : '';
    const action = `${hopActions[hop.via] ?? hop.via} ${hop.namespace === undefined ? 'in every namespace' : `in ${hop.namespace}`}${creating}`;
    const last = index === path.hops.length - 1;
    return last ? action : `${action} → ${to}`;
  });
  const total = (['cluster-admin', 'system-masters'] as const).find((id) => path.targetFacts.includes(id));
  const facts = total ? [total] : path.targetFacts;
  const target = `${path.target.namespace ?? ''}:${path.target.name}`;
  const via = `(via ${hops.join(', then ')}), which holds ${facts.join(', ')}`;
  if (unread.length === 0) return `can become ${target} ${via}`;
  const exists = unread.length === 1 ? `${unread[0]} exists` : `${unread.join(' and ')} exist`;
  return `could become ${target} ${via}, if ${exists} (ServiceAccounts not read)`;
}

const shownRoutes = 5;

/**
 * How a subject can act as other ServiceAccounts, from its own facts (the first hop of every path): "It can
 * act as other ServiceAccounts by creating pods in every namespace, including kube-system (as any ServiceAccount
 * there); by creating tokens for deployer in namespace ci." Null when it cannot. Cheap, unlike the paths:
 * findings on every ServiceAccount of a dense cluster can carry it.
 */
export function describeEscalationRoutes(facts: readonly RiskFact[]): string | null {
  const routes = edgesOf(facts).map((edge) => {
    const where = edge.namespace === undefined ? 'in every namespace, including kube-system' : `in namespace ${edge.namespace}`;
    const names = edge.names ? [...edge.names].sort().join(', ') : undefined;
    if (edge.via === 'workload-create') return `creating pods ${where} (as any ServiceAccount there)`;
    if (edge.via === 'token-create') return `creating tokens for ${names ?? 'any ServiceAccount'} ${where}`;
    if (edge.byUsername) return `impersonating ${names ? `the users ${names}` : 'any user'}`;
    return `impersonating ${names ?? 'any ServiceAccount'} ${where}`;
  });
  if (routes.length === 0) return null;
  const shown = [...new Set(routes)];
  const more = shown.length > shownRoutes ? `; and ${shown.length - shownRoutes} more` : '';
  return `It can act as other ServiceAccounts by ${shown.slice(0, shownRoutes).join('; by ')}${more}.`;
}
