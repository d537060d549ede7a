import type { ApiClient } from '../sources/cluster/api-client.js';
import { readIssuerKeys } from '../sources/cluster/token-api.js';
import { readJwksFile } from '../sources/jwks-file.js';
import { verifyToken, type TokenVerification } from '../tokens/verify-token.js';

export type VerificationKeys =
  /** The cluster's own discovery document and JWKS, read through the API server. */
  | { readonly from: 'cluster'; readonly client: ApiClient }
  /** A saved JWK Set: no cluster at all (CI, air-gapped); the issuer is checked only when given. */
  | { readonly from: 'file'; readonly path: string; readonly issuer: string | undefined };

export interface VerifyTokenOptions {
  readonly token: string;
  readonly where: string;
  readonly audiences: readonly string[];
  readonly keys: VerificationKeys;
  /** Overrides the issuer the cluster announces. */
  readonly issuer?: string | undefined;
  readonly now: Date;
}

export async function verifyTokenUseCase(options: VerifyTokenOptions): Promise<TokenVerification> {
  const keys = options.keys;
  if (keys.from === 'file') {
    const jwks = await readJwksFile(keys.path);
    return verifyToken({ ...common(options), jwks, keysFrom: keys.path, issuer: options.issuer ?? keys.issuer ?? null, algorithms: null });
  }
  const discovered = await readIssuerKeys(keys.client);
  return verifyToken({
    ...common(options),
    jwks: discovered.jwks,
    keysFrom: discovered.jwksUrl,
    issuer: options.issuer ?? discovered.configuration.issuer ?? null,
    algorithms: discovered.configuration.id_token_signing_alg_values_supported ?? null,
  });
}

function common(options: VerifyTokenOptions) {
  return { token: options.token, where: options.where, audiences: options.audiences, now: options.now };
}
