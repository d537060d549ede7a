import type { ApiClient } from '../sources/cluster/api-client.js';
import { reviewToken } from '../sources/cluster/token-api.js';

export interface ReviewTokenOptions {
  readonly token: string;
  /** Audiences the token must be meant for; none means the API server's own. */
  readonly audiences: readonly string[];
}

/** The API server's verdict on a token, from a TokenReview: what a request bearing it would be. */
export interface TokenReviewReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'TokenReviewResult';
  readonly authenticated: boolean;
  readonly user: {
    readonly username: string | null;
    readonly uid: string | null;
    readonly groups: readonly string[];
    readonly extra: Readonly<Record<string, readonly string[]>>;
  } | null;
  /** The audiences the server checked the token against and found in it. */
  readonly audiences: readonly string[];
  readonly requestedAudiences: readonly string[];
  /** Why the server refused it, in its words. */
  readonly reason: string | null;
}

export async function reviewTokenUseCase(client: ApiClient, options: ReviewTokenOptions): Promise<TokenReviewReport> {
  const status = await reviewToken(client, options.token, options.audiences);
  const authenticated = status.authenticated === true;
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'TokenReviewResult',
    authenticated,
    user:
      status.user && (status.user.username || authenticated)
        ? {
            username: status.user.username ?? null,
            uid: status.user.uid ?? null,
            groups: status.user.groups ?? [],
            extra: status.user.extra ?? {},
          }
        : null,
    audiences: status.audiences ?? [],
    requestedAudiences: options.audiences,
    reason: status.error ? status.error : authenticated ? null : 'the API server did not authenticate the token (no reason given)',
  };
}
