import { beforeAll, describe, expect, it } from 'vitest';
import { verifyToken, type VerifyTokenInputs } from '../../src/tokens/verify-token.js';
import { boundClaims, epoch, legacyClaims, testSigner, type TestSigner } from '../helpers/test-tokens.js';

const now = new Date('2026-03-01T12:00:00Z');
const issuer = 'https://kubernetes.default.svc.cluster.local';

describe('verifyToken (signatures by jose)', () => {
  let rsa: TestSigner;
  let ec: TestSigner;
  let other: TestSigner;
  beforeAll(async () => {
    [rsa, ec, other] = await Promise.all([testSigner('RS256', 'rsa-key'), testSigner('ES256', 'ec-key'), testSigner('RS256', 'rsa-key')]);
  });
  const inputs = (token: string, overrides: Partial<VerifyTokenInputs> = {}): VerifyTokenInputs => ({
    token,
    where: 'stdin',
    jwks: { keys: [...rsa.jwks.keys, ...ec.jwks.keys] },
    keysFrom: 'jwks.json',
    issuer,
    audiences: [],
    algorithms: null,
    now,
    ...overrides,
  });
  const results = (report: Awaited<ReturnType<typeof verifyToken>>) =>
    Object.fromEntries(report.checks.map((check) => [check.check, check.result]));

  it('passes a token signed by a key of the set, with the right issuer, within its lifetime (RS256 and ES256)', async () => {
    for (const signer of [rsa, ec]) {
      const report = await verifyToken(inputs(await signer.sign(boundClaims(now))));
      expect(results(report)).toEqual({ signature: 'pass', issuer: 'pass', lifetime: 'pass', audience: 'skipped' });
      expect(report.valid).toBe(true);
      expect(report.token.boundTo).toBe('Pod web-7d9c-x2x4q');
      expect(report.limits).toMatch(/a token bound to a deleted pod still verifies here until it expires/);
    }
  });

  it('fails a token signed by another key with the same kid, and says the signature does not match', async () => {
    const report = await verifyToken(inputs(await other.sign(boundClaims(now))));
    expect(report.valid).toBe(false);
    expect(report.checks[0]).toMatchObject({
      check: 'signature',
      result: 'fail',
      detail: expect.stringMatching(/does not match key rsa-key/),
    });
  });

  it('fails a token whose payload was altered after signing', async () => {
    const token = await rsa.sign(boundClaims(now));
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify(boundClaims(now, { sub: 'system:serviceaccount:kube-system:admin' }))).toString('base64url')}.${signature}`;
    expect((await verifyToken(inputs(forged))).checks[0]?.result).toBe('fail');
  });

  it('fails a token whose kid is not in the set', async () => {
    const report = await verifyToken(inputs(await rsa.sign(boundClaims(now), { kid: 'rotated-out' })));
    expect(report.checks[0]?.detail).toMatch(/no key of jwks.json matches key rotated-out/);
  });

  it('finds the key of a token without kid among several candidates', async () => {
    const second = await testSigner('RS256', 'second');
    const token = await second.sign(boundClaims(now), { kid: undefined });
    const report = await verifyToken(inputs(token, { jwks: { keys: [...rsa.jwks.keys, ...second.jwks.keys] } }));
    expect(report.checks[0]?.result).toBe('pass');
  });

  it('refuses an algorithm the issuer does not announce', async () => {
    const report = await verifyToken(inputs(await ec.sign(boundClaims(now)), { algorithms: ['RS256'] }));
    expect(report.checks[0]).toMatchObject({
      result: 'fail',
      detail: expect.stringMatching(/ES256 is not one the issuer signs with \(RS256\)/),
    });
  });

  it('reports every failed check at once: expired, wrong issuer, wrong audience', async () => {
    const token = await rsa.sign(boundClaims(now, { iss: 'https://elsewhere', exp: epoch(now) - 3 * 86400 }));
    const report = await verifyToken(inputs(token, { audiences: ['vault'] }));
    expect(results(report)).toEqual({ signature: 'pass', issuer: 'fail', lifetime: 'fail', audience: 'fail' });
    expect(report.checks.find((check) => check.check === 'lifetime')?.detail).toMatch(/^expired 3 days ago/);
  });

  it('passes the audience check when any requested audience is in the token', async () => {
    const token = await rsa.sign(boundClaims(now, { aud: ['vault', 'sts.amazonaws.com'] }));
    expect(results(await verifyToken(inputs(token, { audiences: ['api', 'vault'] }))).audience).toBe('pass');
  });

  it('does not check the issuer when none is known, and says how to', async () => {
    const report = await verifyToken(inputs(await rsa.sign(boundClaims(now)), { issuer: null }));
    expect(report.checks[1]).toMatchObject({ result: 'skipped', detail: expect.stringMatching(/pass --issuer URL/) });
    expect(report.valid).toBe(true);
  });

  it('verifies a legacy token but warns: legacy issuer, never expires', async () => {
    const report = await verifyToken(inputs(await rsa.sign(legacyClaims())));
    expect(results(report)).toEqual({ signature: 'pass', issuer: 'warn', lifetime: 'warn', audience: 'skipped' });
    expect(report.valid).toBe(true);
  });

  it('fails a token not yet valid', async () => {
    const report = await verifyToken(inputs(await rsa.sign(boundClaims(now, { nbf: epoch(now) + 600 }))));
    expect(report.checks[2]).toMatchObject({ result: 'fail', detail: expect.stringMatching(/^not valid until 10 min from now/) });
  });

  it('says a JWKS that is not a key set is not one', async () => {
    const report = await verifyToken(inputs(await rsa.sign(boundClaims(now)), { jwks: { nope: true } }));
    expect(report.checks[0]).toMatchObject({ result: 'fail', detail: 'jwks.json is not a JWK Set (a JSON object with a "keys" array)' });
  });
});
