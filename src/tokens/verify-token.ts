import { decodeJwt } from './jwt.js';
import { legacyIssuer, readClaims, type TokenClaims, type TokenKind } from './token-claims.js';
import { isoTime, tokenLifetime } from './token-lifetime.js';

export interface VerifyTokenInputs {
  readonly token: string;
  readonly where: string;
  /** A JWK Set (`{"keys": [...]}`), as the cluster's /openid/v1/jwks serves it. */
  readonly jwks: unknown;
  /** Where the keys came from: the JWKS URL or the --jwks file. */
  readonly keysFrom: string;
  /** The issuer the token must name; null when it cannot be known (--jwks without --issuer). */
  readonly issuer: string | null;
  /** The token must be meant for at least one of these; empty: not checked. */
  readonly audiences: readonly string[];
  /** Signing algorithms the issuer announces (id_token_signing_alg_values_supported); null: any the key allows. */
  readonly algorithms: readonly string[] | null;
  readonly now: Date;
}

export type CheckName = 'signature' | 'issuer' | 'lifetime' | 'audience';
export type CheckResult = 'pass' | 'fail' | 'warn' | 'skipped';

export interface VerificationCheck {
  readonly check: CheckName;
  readonly result: CheckResult;
  readonly detail: string;
}

export interface TokenVerification {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'TokenVerification';
  /** True when no check failed: signed by a key of the set, and within its validity window. */
  readonly valid: boolean;
  readonly checks: readonly VerificationCheck[];
  readonly token: {
    readonly kind: TokenKind;
    readonly algorithm: string | null;
    readonly keyId: string | null;
    readonly issuer: string | null;
    readonly subject: string | null;
    readonly audiences: readonly string[];
    readonly expires: string | null;
    readonly boundTo: string | null;
  };
  readonly keysFrom: string;
  /** What offline verification cannot tell, and what can. */
  readonly limits: string;
}

export const offlineLimits =
  'Offline verification proves that the cluster signed this token and that it is within its validity window. ' +
  'It cannot see whether the ServiceAccount, or the Pod, Secret or Node the token is bound to, still exists: a token ' +
  'bound to a deleted pod still verifies here until it expires, while `kubectl sa token review` (the API server) ' +
  'refuses it at once. Relying parties that verify offline (cloud IAM, Vault JWT auth) accept it until then too.';

/**
 * Checks a token's signature against a JWK Set with `jose` (no cryptography of ours), then its issuer,
 * time window and audience. Each check is reported on its own, so a user sees every reason at once.
 */
export async function verifyToken(inputs: VerifyTokenInputs): Promise<TokenVerification> {
  const claims = readClaims(decodeJwt(inputs.token, inputs.where));
  const checks: VerificationCheck[] = [
    await signatureCheck(inputs, claims),
    issuerCheck(inputs, claims),
    lifetimeCheck(inputs, claims),
    audienceCheck(inputs, claims),
  ];
  const k8s = claims.kubernetes;
  const bound = k8s?.pod
    ? `Pod ${k8s.pod.name}`
    : claims.kind === 'bound' && k8s?.secret
      ? `Secret ${k8s.secret.name}`
      : k8s?.node
        ? `Node ${k8s.node.name}`
        : null;
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'TokenVerification',
    valid: checks.every((check) => check.result !== 'fail'),
    checks,
    token: {
      kind: claims.kind,
      algorithm: claims.algorithm,
      keyId: claims.keyId,
      issuer: claims.issuer,
      subject: claims.subject,
      audiences: claims.audiences,
      expires: claims.expiresAt === null ? null : isoTime(claims.expiresAt),
      boundTo: bound,
    },
    keysFrom: inputs.keysFrom,
    limits: offlineLimits,
  };
}

async function signatureCheck(inputs: VerifyTokenInputs, claims: TokenClaims): Promise<VerificationCheck> {
  // Loaded here, not at start-up: only `token verify` needs a JOSE library.
  const { compactVerify, createLocalJWKSet } = await import('jose');
  const fail = (detail: string): VerificationCheck => ({ check: 'signature', result: 'fail', detail });
  const keyName = claims.keyId ? `key ${claims.keyId}` : 'a key without kid';
  let keySet: ReturnType<typeof createLocalJWKSet>;
  try {
    keySet = createLocalJWKSet(inputs.jwks as Parameters<typeof createLocalJWKSet>[0]);
  } catch {
    return fail(`${inputs.keysFrom} is not a JWK Set (a JSON object with a "keys" array)`);
  }
  const options = inputs.algorithms && inputs.algorithms.length > 0 ? { algorithms: [...inputs.algorithms] } : {};
  try {
    await verifyWithEachCandidate(compactVerify, inputs.token, keySet, options);
    return { check: 'signature', result: 'pass', detail: `${claims.algorithm ?? '?'} signature by ${keyName} of ${inputs.keysFrom}` };
  } catch (error) {
    const code = (error as { code?: string }).code;
    switch (code) {
      case 'ERR_JWKS_NO_MATCHING_KEY':
        return fail(
          `no key of ${inputs.keysFrom} matches ${keyName} (${claims.algorithm ?? 'no alg'}): another cluster's token, or a key rotated out`,
        );
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
        return fail(`the signature does not match ${keyName} of ${inputs.keysFrom}: the token was altered or signed by someone else`);
      case 'ERR_JOSE_ALG_NOT_ALLOWED':
        return fail(`algorithm ${claims.algorithm ?? '?'} is not one the issuer signs with (${inputs.algorithms?.join(', ') ?? ''})`);
      case 'ERR_JOSE_NOT_SUPPORTED':
        return fail(`algorithm ${claims.algorithm ?? '?'} is not supported for verification`);
      default:
        return fail(`cannot verify: ${(error as Error).message || String(error)}`);
    }
  }
}

type CompactVerify = typeof import('jose').compactVerify;
type KeySet = ReturnType<typeof import('jose').createLocalJWKSet>;

/** A JWK Set may hold several keys a kid-less token could match (during rotation); any one that verifies will do. */
async function verifyWithEachCandidate(
  compactVerify: CompactVerify,
  token: string,
  keySet: KeySet,
  options: { algorithms?: string[] },
): Promise<void> {
  try {
    await compactVerify(token, keySet, options);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw error;
    let last: unknown = error;
    for await (const key of error as AsyncIterable<import('jose').CryptoKey>) {
      try {
        await compactVerify(token, key, options);
        return;
      } catch (attempt) {
        last = attempt;
      }
    }
    throw last;
  }
}

function issuerCheck(inputs: VerifyTokenInputs, claims: TokenClaims): VerificationCheck {
  const issuer = claims.issuer;
  if (issuer === null) return { check: 'issuer', result: 'fail', detail: 'the token names no issuer (iss)' };
  if (issuer === legacyIssuer) {
    return {
      check: 'issuer',
      result: 'warn',
      detail: `${legacyIssuer}: a legacy Secret-based token; the API server accepts it, OIDC relying parties (cloud IAM, Vault JWT auth) do not`,
    };
  }
  if (inputs.issuer === null)
    return { check: 'issuer', result: 'skipped', detail: `${issuer} (not checked: pass --issuer URL to require one)` };
  return issuer === inputs.issuer
    ? { check: 'issuer', result: 'pass', detail: `${issuer}` }
    : {
        check: 'issuer',
        result: 'fail',
        detail: `${issuer} is not the expected ${inputs.issuer} (an API server with several --service-account-issuer values accepts the others too, but publishes only the first)`,
      };
}

function lifetimeCheck(inputs: VerifyTokenInputs, claims: TokenClaims): VerificationCheck {
  const lifetime = tokenLifetime(claims, inputs.now);
  const at = (epoch: number | null) => (epoch === null ? '' : ` (${isoTime(epoch)})`);
  switch (lifetime.state) {
    case 'valid':
      return { check: 'lifetime', result: 'pass', detail: `${lifetime.summary}${at(claims.expiresAt)}` };
    case 'expired':
      return { check: 'lifetime', result: 'fail', detail: `${lifetime.summary}${at(claims.expiresAt)}` };
    case 'not-yet-valid':
      return { check: 'lifetime', result: 'fail', detail: `${lifetime.summary}${at(claims.notBefore)}` };
    case 'never-expires':
      return {
        check: 'lifetime',
        result: 'warn',
        detail: 'never expires (no exp claim): valid until its Secret, its ServiceAccount or the signing key goes',
      };
  }
}

function audienceCheck(inputs: VerifyTokenInputs, claims: TokenClaims): VerificationCheck {
  const has = claims.audiences.length > 0 ? claims.audiences.join(', ') : 'none';
  if (inputs.audiences.length === 0)
    return { check: 'audience', result: 'skipped', detail: `not checked (pass --audience); the token is for: ${has}` };
  const matched = inputs.audiences.filter((audience) => claims.audiences.includes(audience));
  return matched.length > 0
    ? { check: 'audience', result: 'pass', detail: `meant for ${matched.join(', ')}` }
    : { check: 'audience', result: 'fail', detail: `meant for ${has}, none of ${inputs.audiences.join(', ')}` };
}
