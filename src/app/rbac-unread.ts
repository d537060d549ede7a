import type { InventoryNote } from '../inventory/inventory.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import type { UnreadRbac } from '../rbac/types.js';
import { describeUnread, unreadGrantsThrough } from '../rbac/unread-rbac.js';
import type { Warning } from './outcome.js';
import { modelWarnings } from './rbac-input.js';

const rbacGroup = 'rbac.authorization.k8s.io';

/**
 * What an RBAC answer (can-i, who-can, permissions, matrix) tells on stderr about the RBAC it could not read:
 * one line per list its answer depends on, saying what that means for this answer (`consequence` follows
 * "one of them" or "a binding to one of them").
 */
export function unreadWarnings(unread: readonly UnreadRbac[], consequence: string): Warning[] {
  return unread.map((entry) => ({ message: `could not read ${describeUnread(entry)}: ${unreadGrantsThrough(entry)} ${consequence}` }));
}

/**
 * The notes and warnings of an RBAC answer: its own unread lines (`unreadWarnings`) take the place of the
 * read's "cannot list" notes about RBAC kinds and of the model's count of bindings whose roles were not read;
 * a list that cannot change this answer is none of its business. The model's other warnings stay.
 */
export function rbacAnswerReport(
  model: RbacModel,
  notes: readonly InventoryNote[],
  namespace: string | undefined,
  answerWarnings: readonly Warning[],
  options: { readonly usesServiceAccounts?: boolean } = {},
): { readonly notes: InventoryNote[]; readonly warnings: Warning[] } {
  // RBAC authorizes a ServiceAccount's user name whether its object exists or not: only escalation paths
  // (permissions) need the ServiceAccounts read, so only there is a list of them that was refused news.
  const aboutThis = (note: InventoryNote) =>
    note.unlisted === undefined ||
    (note.unlisted.group !== rbacGroup && (options.usesServiceAccounts === true || note.unlisted.kind !== 'ServiceAccount'));
  return {
    notes: notes.filter(aboutThis),
    warnings: [...answerWarnings, ...modelWarnings(model, namespace, { unreadRoles: false })],
  };
}
