import { ClusterError, UsageError, type KubectlSaError } from '../../errors/kubectl-sa-error.js';
import { ApiStatusError } from './api-client.js';

/**
 * Turns the API server's refusal of one request into the error the user should see: what we were doing
 * and the server's own one-line reason. What the user named wrongly (a missing object, an invalid
 * request, a UID that does not match) is a usage error (exit 2); credentials, permissions and a failing
 * server are cluster errors (exit 3). Anything that is not an API answer passes through unchanged.
 */
export function apiRefusal(error: unknown, doing: string, server: string, options: { readonly forbiddenHint?: string } = {}): unknown {
  if (!(error instanceof ApiStatusError)) return error;
  const reason = error.serverMessage;
  const make = (kind: new (message: string, options?: { cause?: unknown; hint?: string }) => KubectlSaError, hint?: string) =>
    new kind(`${doing}: ${reason}`, { cause: error, ...(hint ? { hint } : {}) });
  switch (error.status) {
    case 401:
      return new ClusterError(`${doing}: the cluster at ${server} rejected our credentials (401 Unauthorized)`, {
        cause: error,
        hint: 'check the user of the current context, or log in again',
      });
    case 403:
      return make(
        ClusterError,
        options.forbiddenHint ?? 'ask for the permission named above, or use --context/--as to act as someone who has it',
      );
    case 400:
    case 404:
    case 409:
    case 422:
      return make(UsageError);
    default:
      return make(ClusterError);
  }
}
