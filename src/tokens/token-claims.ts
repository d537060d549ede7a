import { isRecord } from '../inventory/kube-object.js';
import type { DecodedJwt } from './jwt.js';

/** The issuer of Secret-based tokens (pkg/serviceaccount/legacy.go `LegacyIssuer`). */
export const legacyIssuer = 'kubernetes/serviceaccount';

const legacyClaim = {
  namespace: 'kubernetes.io/serviceaccount/namespace',
  secretName: 'kubernetes.io/serviceaccount/secret.name',
  serviceAccountName: 'kubernetes.io/serviceaccount/service-account.name',
  serviceAccountUid: 'kubernetes.io/serviceaccount/service-account.uid',
} as const;

export interface NamedObject {
  readonly name: string;
  readonly uid: string | null;
}

/** What the `kubernetes.io` claims (or, for a legacy token, its flat claims) say the token belongs to. */
export interface KubernetesClaims {
  readonly namespace: string | null;
  readonly serviceAccount: NamedObject | null;
  readonly pod: NamedObject | null;
  readonly node: NamedObject | null;
  readonly secret: NamedObject | null;
  /** When the kubelet starts refreshing a projected token (seconds since the epoch). */
  readonly warnAfter: number | null;
}

/**
 * - `bound`: from the TokenRequest API (projected volumes, `kubectl create token`): expires, has an audience,
 *   may be bound to a Pod, Secret or Node.
 * - `legacy`: read from a `kubernetes.io/service-account-token` Secret: never expires.
 * - `other`: a JWT that is not a ServiceAccount token (an OIDC ID token, say).
 */
export type TokenKind = 'bound' | 'legacy' | 'other';

export interface TokenClaims {
  readonly kind: TokenKind;
  readonly algorithm: string | null;
  readonly keyId: string | null;
  readonly type: string | null;
  readonly issuer: string | null;
  readonly subject: string | null;
  readonly audiences: readonly string[];
  /** Seconds since the epoch, as in the token. */
  readonly issuedAt: number | null;
  readonly notBefore: number | null;
  readonly expiresAt: number | null;
  readonly tokenId: string | null;
  readonly kubernetes: KubernetesClaims | null;
  /** Claims not listed above, by name, as the token has them. */
  readonly otherClaims: Readonly<Record<string, unknown>>;
}

const knownClaims = new Set(['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti', 'kubernetes.io', ...Object.values(legacyClaim)]);

export function readClaims(jwt: DecodedJwt): TokenClaims {
  const { header, payload } = jwt;
  const kubernetes = boundKubernetesClaims(payload['kubernetes.io']) ?? legacyKubernetesClaims(payload);
  const legacy = payload.iss === legacyIssuer || (typeof payload[legacyClaim.secretName] === 'string' && payload.exp === undefined);
  return {
    kind: legacy ? 'legacy' : isRecord(payload['kubernetes.io']) ? 'bound' : 'other',
    algorithm: stringOrNull(header.alg),
    keyId: stringOrNull(header.kid),
    type: stringOrNull(header.typ),
    issuer: stringOrNull(payload.iss),
    subject: stringOrNull(payload.sub),
    audiences:
      typeof payload.aud === 'string'
        ? [payload.aud]
        : Array.isArray(payload.aud)
          ? payload.aud.filter((value) => typeof value === 'string')
          : [],
    issuedAt: numberOrNull(payload.iat),
    notBefore: numberOrNull(payload.nbf),
    expiresAt: numberOrNull(payload.exp),
    tokenId: stringOrNull(payload.jti),
    kubernetes,
    otherClaims: Object.fromEntries(Object.entries(payload).filter(([name]) => !knownClaims.has(name))),
  };
}

function boundKubernetesClaims(value: unknown): KubernetesClaims | null {
  if (!isRecord(value)) return null;
  return {
    namespace: stringOrNull(value.namespace),
    serviceAccount: namedObject(value.serviceaccount),
    pod: namedObject(value.pod),
    node: namedObject(value.node),
    secret: namedObject(value.secret),
    warnAfter: numberOrNull(value.warnafter),
  };
}

function legacyKubernetesClaims(payload: Readonly<Record<string, unknown>>): KubernetesClaims | null {
  const namespace = stringOrNull(payload[legacyClaim.namespace]);
  const serviceAccount = stringOrNull(payload[legacyClaim.serviceAccountName]);
  const secret = stringOrNull(payload[legacyClaim.secretName]);
  if (namespace === null && serviceAccount === null && secret === null) return null;
  return {
    namespace,
    serviceAccount: serviceAccount === null ? null : { name: serviceAccount, uid: stringOrNull(payload[legacyClaim.serviceAccountUid]) },
    pod: null,
    node: null,
    secret: secret === null ? null : { name: secret, uid: null },
    warnAfter: null,
  };
}

function namedObject(value: unknown): NamedObject | null {
  if (!isRecord(value) || typeof value.name !== 'string') return null;
  return { name: value.name, uid: stringOrNull(value.uid) };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
