import type { AccessDecision, AccessRequest } from '../../rbac/types.js';
import { ClusterError } from '../../errors/kubectl-sa-error.js';
import { ApiStatusError, type ApiClient } from './api-client.js';

interface SubjectAccessReviewStatus {
  readonly status?: { readonly allowed?: boolean; readonly denied?: boolean; readonly reason?: string; readonly evaluationError?: string };
}

/** The SubjectAccessReview spec for a request, field for field as the authorizer receives it. */
export function subjectAccessReviewFor(request: AccessRequest): object {
  const common = { user: request.user, groups: [...request.groups] };
  const spec =
    'nonResourceURL' in request
      ? { ...common, nonResourceAttributes: { path: request.nonResourceURL, verb: request.verb } }
      : {
          ...common,
          resourceAttributes: {
            verb: request.verb,
            group: request.apiGroup,
            resource: request.resource,
            ...(request.subresource ? { subresource: request.subresource } : {}),
            ...(request.name ? { name: request.name } : {}),
            ...(request.namespace ? { namespace: request.namespace } : {}),
          },
        };
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec };
}

/** Asks the API server itself, which consults every authorizer it runs (RBAC, Node, webhooks). */
export async function askApiServer(client: ApiClient, request: AccessRequest): Promise<AccessDecision> {
  const review = await client
    .postJson<SubjectAccessReviewStatus>('/apis/authorization.k8s.io/v1/subjectaccessreviews', subjectAccessReviewFor(request))
    .catch((error: unknown) => {
      if (error instanceof ApiStatusError && error.status === 403) {
        // --as names whose access is checked, not who asks: the hint must not suggest it.
        throw new ClusterError(error.message, {
          cause: error,
          hint: 'asking the API server needs the right to create subjectaccessreviews.authorization.k8s.io; without --server the answer comes from the RBAC objects you may read',
        });
      }
      throw error;
    });
  const status = review.status ?? {};
  const reason = [status.reason, status.evaluationError].filter(Boolean).join('; ');
  return {
    allowed: status.allowed === true,
    reason: reason || (status.allowed ? 'allowed by the API server' : 'no authorizer allowed it'),
    grants: [],
  };
}
