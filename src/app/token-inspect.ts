import { decodeJwt } from '../tokens/jwt.js';
import { readClaims, type KubernetesClaims, type TokenKind } from '../tokens/token-claims.js';
import { isoTime, relativeToNow, tokenLifetime, type TokenLifetime } from '../tokens/token-lifetime.js';

export interface InspectTokenOptions {
  /** The token text as read (argument, stdin or file); never returned. */
  readonly token: string;
  /** Where the token came from, for error messages. */
  readonly where: string;
  readonly now: Date;
}

export interface TimeClaim {
  readonly epoch: number;
  readonly time: string;
  /** "12 min ago", "in 47 min". */
  readonly relative: string;
}

/** A token's header and claims, decoded and explained; never the token, never its signature. */
export interface TokenInspection {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'TokenInspection';
  /** Always false: inspect decodes; `token verify` and `token review` check. */
  readonly verified: false;
  readonly tokenKind: TokenKind;
  readonly header: { readonly alg: string | null; readonly kid: string | null; readonly typ: string | null };
  readonly claims: {
    readonly iss: string | null;
    readonly sub: string | null;
    readonly aud: readonly string[];
    readonly iat: TimeClaim | null;
    readonly nbf: TimeClaim | null;
    readonly exp: TimeClaim | null;
    readonly jti: string | null;
  };
  readonly kubernetes: (KubernetesClaims & { readonly warnAfterTime: TimeClaim | null }) | null;
  readonly lifetime: TokenLifetime;
  readonly otherClaims: Readonly<Record<string, unknown>>;
  /** What a security reviewer should notice, in words. */
  readonly warnings: readonly string[];
}

export function inspectToken(options: InspectTokenOptions): TokenInspection {
  const jwt = decodeJwt(options.token, options.where);
  const claims = readClaims(jwt);
  const lifetime = tokenLifetime(claims, options.now);
  const time = (epoch: number | null): TimeClaim | null =>
    epoch === null ? null : { epoch, time: isoTime(epoch), relative: relativeToNow(epoch, options.now) };
  const warnings: string[] = [];
  if (claims.kind === 'legacy') {
    const secret = claims.kubernetes?.secret?.name;
    const where = secret ? `Secret ${claims.kubernetes?.namespace ?? '?'}/${secret}` : 'its Secret';
    warnings.push(
      `legacy ServiceAccount token: it never expires and stays valid until ${where} is deleted; kubectl sa token legacy lists such Secrets and migrates their users`,
    );
  } else if (claims.expiresAt === null) {
    warnings.push('the token has no expiry (exp): it is valid until its signing key is rotated');
  }
  if (claims.algorithm === 'none' || jwt.signatureBytes === 0)
    warnings.push('the token is unsigned (alg none or no signature): no API server accepts it');
  if (lifetime.state === 'expired') warnings.push(`the token ${lifetime.summary}`);
  if (lifetime.state === 'not-yet-valid') warnings.push(`the token is ${lifetime.summary}`);
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'TokenInspection',
    verified: false,
    tokenKind: claims.kind,
    header: { alg: claims.algorithm, kid: claims.keyId, typ: claims.type },
    claims: {
      iss: claims.issuer,
      sub: claims.subject,
      aud: claims.audiences,
      iat: time(claims.issuedAt),
      nbf: time(claims.notBefore),
      exp: time(claims.expiresAt),
      jti: claims.tokenId,
    },
    kubernetes: claims.kubernetes === null ? null : { ...claims.kubernetes, warnAfterTime: time(claims.kubernetes.warnAfter) },
    lifetime,
    otherClaims: claims.otherClaims,
    warnings,
  };
}
