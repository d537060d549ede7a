import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

export interface TestSigner {
  readonly jwks: { keys: JWK[] };
  sign(claims: Record<string, unknown>, header?: { kid?: string; alg?: string }): Promise<string>;
}

/** A real key pair (jose), so tests verify real signatures: nothing about a token is faked but its issuer. */
export async function testSigner(alg: 'RS256' | 'ES256' = 'RS256', kid = 'test-key'): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    sign: (claims, header = {}) => {
      const protectedHeader = { alg, ...('kid' in header ? (header.kid === undefined ? {} : { kid: header.kid }) : { kid }) };
      return new SignJWT(claims).setProtectedHeader(protectedHeader).sign(privateKey);
    },
  };
}

export const epoch = (date: Date): number => Math.floor(date.getTime() / 1000);

/** The claims of a projected token as the API server writes them for a pod. */
export function boundClaims(now: Date, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = epoch(now) - 13 * 60;
  return {
    aud: ['https://kubernetes.default.svc.cluster.local'],
    exp: iat + 3600,
    iat,
    nbf: iat,
    iss: 'https://kubernetes.default.svc.cluster.local',
    jti: 'c6f1c2c4-7b9f-4d3e-9a55-2f0a8d7e1b11',
    'kubernetes.io': {
      namespace: 'prod',
      node: { name: 'node-1', uid: 'node-uid-1' },
      pod: { name: 'web-7d9c-x2x4q', uid: 'pod-uid-1' },
      serviceaccount: { name: 'web', uid: 'sa-uid-1' },
      warnafter: iat + 2880,
    },
    sub: 'system:serviceaccount:prod:web',
    ...overrides,
  };
}

/** The claims of a legacy Secret-based token (pkg/serviceaccount/legacy.go). */
export function legacyClaims(): Record<string, unknown> {
  return {
    iss: 'kubernetes/serviceaccount',
    'kubernetes.io/serviceaccount/namespace': 'ci',
    'kubernetes.io/serviceaccount/secret.name': 'deployer-token',
    'kubernetes.io/serviceaccount/service-account.name': 'deployer',
    'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid-2',
    sub: 'system:serviceaccount:ci:deployer',
  };
}
