import type { ApiClient } from './api-client.js';
import { apiRefusal } from './api-errors.js';
import type { BoundObjectKind } from './token-bound-objects.js';

export { boundObjectKinds, type BoundObjectKind } from './token-bound-objects.js';

export interface TokenRequestSpec {
  readonly audiences: readonly string[];
  readonly expirationSeconds: number;
  readonly boundObjectRef?: { readonly kind: BoundObjectKind; readonly apiVersion: 'v1'; readonly name: string; readonly uid?: string };
}

/** authentication.k8s.io/v1 TokenRequest as the API server returns it; `status.token` is the credential. */
export interface TokenRequestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: Record<string, unknown>;
  readonly spec: TokenRequestSpec;
  readonly status: { readonly token: string; readonly expirationTimestamp: string };
}

export interface TokenReviewStatus {
  readonly authenticated?: boolean;
  readonly user?: {
    readonly username?: string;
    readonly uid?: string;
    readonly groups?: readonly string[];
    readonly extra?: Readonly<Record<string, readonly string[]>>;
  };
  readonly audiences?: readonly string[];
  readonly error?: string;
}

/** POST …/serviceaccounts/NAME/token: a new bound token, signed by the API server. */
export async function requestToken(
  client: ApiClient,
  namespace: string,
  name: string,
  spec: TokenRequestSpec,
): Promise<TokenRequestObject> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}/token`;
  try {
    return await client.postJson<TokenRequestObject>(path, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec });
  } catch (error) {
    throw apiRefusal(error, `cannot create a token for ServiceAccount ${namespace}/${name}`, client.server);
  }
}

/**
 * POST tokenreviews: the API server authenticates the token exactly as it would a request bearing it.
 * The token travels only in the request body; no error message here can contain it.
 */
export async function reviewToken(client: ApiClient, token: string, audiences: readonly string[]): Promise<TokenReviewStatus> {
  const body = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token, ...(audiences.length > 0 ? { audiences } : {}) },
  };
  try {
    const review = await client.postJson<{ status?: TokenReviewStatus }>('/apis/authentication.k8s.io/v1/tokenreviews', body);
    return review.status ?? {};
  } catch (error) {
    throw apiRefusal(error, 'cannot review the token (TokenReview)', client.server);
  }
}

/** The API server's OIDC discovery document (only the fields verification uses). */
export interface OpenIdConfiguration {
  readonly issuer?: string;
  readonly jwks_uri?: string;
  readonly id_token_signing_alg_values_supported?: readonly string[];
}

export interface IssuerKeys {
  readonly configuration: OpenIdConfiguration;
  readonly jwks: unknown;
  /** Where the keys were read, for the report. */
  readonly jwksUrl: string;
}

/**
 * The ServiceAccount issuer's discovery document and public keys, both read from the API server itself
 * (`/openid/v1/jwks` is always served there, whatever `jwks_uri` advertises to outside relying parties), so
 * verification needs no access beyond the cluster and no second way of connecting.
 */
export async function readIssuerKeys(client: ApiClient): Promise<IssuerKeys> {
  try {
    const configuration = await client.getJson<OpenIdConfiguration>('/.well-known/openid-configuration');
    const jwks = await client.getJson<unknown>('/openid/v1/jwks', {}, { Accept: 'application/jwk-set+json, application/json' });
    return { configuration, jwks, jwksUrl: `${client.server}/openid/v1/jwks` };
  } catch (error) {
    throw apiRefusal(
      error,
      "cannot read the cluster's ServiceAccount issuer discovery (/.well-known/openid-configuration, /openid/v1/jwks)",
      client.server,
      {
        forbiddenHint: 'the ClusterRole system:service-account-issuer-discovery grants it; or verify offline with --jwks FILE',
      },
    );
  }
}
