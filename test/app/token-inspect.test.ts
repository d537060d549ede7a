import { beforeAll, describe, expect, it } from 'vitest';
import { inspectToken } from '../../src/app/token-inspect.js';
import { tokenInspectionPrinters } from '../../src/report/token-inspect-report.js';
import { expectNoJwt } from '../helpers/token-safety.js';
import { boundClaims, epoch, legacyClaims, testSigner, type TestSigner } from '../helpers/test-tokens.js';

const now = new Date('2026-03-01T12:00:00Z');
const context = { colour: false, noHeaders: false, toolVersion: 'test', cwd: '/', warn: () => undefined };
const render = (inspection: ReturnType<typeof inspectToken>, format = 'table') =>
  tokenInspectionPrinters.print(inspection, format, context);

describe('token inspect', () => {
  let signer: TestSigner;
  beforeAll(async () => {
    signer = await testSigner();
  });

  it('explains a bound pod token: header, claims, kubernetes.io claims and expiry in words', async () => {
    const token = await signer.sign(boundClaims(now));
    const inspection = inspectToken({ token, where: 'stdin', now });
    expect(inspection).toMatchObject({
      verified: false,
      tokenKind: 'bound',
      header: { alg: 'RS256', kid: 'test-key' },
      claims: {
        sub: 'system:serviceaccount:prod:web',
        aud: ['https://kubernetes.default.svc.cluster.local'],
        iat: { relative: '13 min ago' },
      },
      kubernetes: {
        namespace: 'prod',
        serviceAccount: { name: 'web', uid: 'sa-uid-1' },
        pod: { name: 'web-7d9c-x2x4q' },
        node: { name: 'node-1' },
      },
      lifetime: { state: 'valid', summary: 'expires in 47 min', lifetimeSeconds: 3600 },
      warnings: [],
    });
    const text = render(inspection);
    expect(text).toMatch(/^Token: +bound ServiceAccount token/m);
    expect(text).toMatch(/^Verified: +no: decoded only/m);
    expect(text).toMatch(/^Expires: +2026-03-01T12:47:00Z \(expires in 47 min\)$/m);
    expect(text).toMatch(/^Bound to pod: +web-7d9c-x2x4q \(uid pod-uid-1\)$/m);
    expect(text).toMatch(/^Refresh after: +2026-03-01T12:35:00Z \(in 35 min;/m);
    for (const format of ['table', 'json', 'yaml'] as const) {
      const output = render(inspection, format);
      expectNoJwt(output, format);
      expect(output).not.toContain(token.split('.')[2]);
    }
  });

  it('says how long ago an expired token expired', async () => {
    const token = await signer.sign(boundClaims(now, { iat: epoch(now) - 4 * 86400, exp: epoch(now) - 3 * 86400 - 60 }));
    const inspection = inspectToken({ token, where: 'stdin', now });
    expect(inspection.lifetime).toMatchObject({ state: 'expired', summary: 'expired 3 days ago' });
    expect(inspection.warnings).toEqual(['the token expired 3 days ago']);
  });

  it('flags a legacy Secret-based token: no expiry, the Secret it lives in', async () => {
    const token = await signer.sign(legacyClaims());
    const inspection = inspectToken({ token, where: 'stdin', now });
    expect(inspection).toMatchObject({
      tokenKind: 'legacy',
      lifetime: { state: 'never-expires', summary: 'never expires' },
      kubernetes: { namespace: 'ci', serviceAccount: { name: 'deployer', uid: 'sa-uid-2' }, secret: { name: 'deployer-token' } },
    });
    expect(inspection.warnings[0]).toMatch(
      /^legacy ServiceAccount token: it never expires and stays valid until Secret ci\/deployer-token is deleted/,
    );
    const text = render(inspection);
    expect(text).toMatch(/^Token: +LEGACY ServiceAccount token/m);
    expect(text).toMatch(/^Stored in secret: +deployer-token$/m);
    expect(text).toMatch(/^Expires: +never expires$/m);
  });

  it('says a JWT that is not a ServiceAccount token is one, and lists its other claims by name', async () => {
    const token = await signer.sign({
      iss: 'https://accounts.example.com',
      sub: 'alice',
      email: 'alice@example.com',
      exp: epoch(now) + 120,
    });
    const inspection = inspectToken({ token, where: 'stdin', now });
    expect(inspection.tokenKind).toBe('other');
    expect(inspection.kubernetes).toBeNull();
    expect(render(inspection)).toMatch(/^Other claims: +email$/m);
    expect(inspection.lifetime.summary).toBe('expires in 2 min');
  });

  it('warns about an unsigned token', () => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const inspection = inspectToken({
      token: `${part({ alg: 'none' })}.${part({ sub: 'x', exp: epoch(now) + 7200 })}.`,
      where: 'stdin',
      now,
    });
    expect(inspection.warnings).toContain('the token is unsigned (alg none or no signature): no API server accepts it');
    expect(inspection.lifetime.summary).toBe('expires in 2 h');
  });
});
