import type { ApiClient } from '../sources/cluster/api-client.js';
import { requestToken, type BoundObjectKind, type TokenRequestObject, type TokenRequestSpec } from '../sources/cluster/token-api.js';
import { inWords } from '../tokens/token-lifetime.js';

export interface CreateTokenOptions {
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  readonly durationSeconds: number;
  readonly audiences: readonly string[];
  readonly boundObject?: { readonly kind: BoundObjectKind; readonly name: string; readonly uid?: string | undefined } | undefined;
  readonly now: Date;
}

export interface CreatedToken {
  /** The TokenRequest as the API server returned it; `status.token` is the credential. */
  readonly tokenRequest: TokenRequestObject;
  readonly requestedSeconds: number;
  /** From the server's expirationTimestamp: it may shorten (or lengthen) what was asked for. */
  readonly grantedSeconds: number | null;
  readonly warnings: readonly string[];
}

/** `kubectl create token`, through the TokenRequest API: a bound, expiring token for a ServiceAccount. */
export async function createToken(client: ApiClient, options: CreateTokenOptions): Promise<CreatedToken> {
  const { namespace, name } = options.serviceAccount;
  const spec: TokenRequestSpec = {
    audiences: options.audiences,
    expirationSeconds: options.durationSeconds,
    ...(options.boundObject
      ? {
          boundObjectRef: {
            kind: options.boundObject.kind,
            apiVersion: 'v1',
            name: options.boundObject.name,
            ...(options.boundObject.uid ? { uid: options.boundObject.uid } : {}),
          },
        }
      : {}),
  };
  const returned = await requestToken(client, namespace, name, spec);
  // managedFields only say that we sent the request; they bury the status under thirty lines.
  const { managedFields: _managedFields, ...metadata } = returned.metadata ?? {};
  const tokenRequest: TokenRequestObject = { ...returned, metadata };
  const expires = Date.parse(tokenRequest.status?.expirationTimestamp ?? '');
  const grantedSeconds = Number.isNaN(expires) ? null : Math.round((expires - options.now.getTime()) / 1000);
  const warnings: string[] = [];
  // The server caps durations at its --service-account-max-token-expiration; a minute of slack covers clock skew.
  if (grantedSeconds !== null && Math.abs(grantedSeconds - options.durationSeconds) > 60) {
    warnings.push(
      `the API server issued the token for ${inWords(grantedSeconds)}, not the ${inWords(options.durationSeconds)} asked for (its --service-account-max-token-expiration decides)`,
    );
  }
  if (options.durationSeconds > 86_400) {
    warnings.push(
      `a token valid for ${inWords(options.durationSeconds)} is a long-lived credential: prefer short tokens, created when needed`,
    );
  }
  return { tokenRequest, requestedSeconds: options.durationSeconds, grantedSeconds, warnings };
}
