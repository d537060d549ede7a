import { execFileSync } from 'node:child_process';
import { mkdtemp, open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoJwtInOutput } from '../helpers/jwt-shaped.js';
import { runTokenCli } from '../helpers/token-safety.js';
import { boundClaims, epoch, legacyClaims, testSigner, type TestSigner } from '../helpers/test-tokens.js';

/** The token commands that need no cluster, through the built CLI: every stream is scanned for tokens. */
describe('kubectl sa token inspect and verify --jwks (no cluster)', () => {
  let signer: TestSigner;
  let folder: string;
  let jwksFile: string;
  let token: string;
  const issuer = 'https://kubernetes.default.svc.cluster.local';

  beforeAll(async () => {
    signer = await testSigner();
    folder = await mkdtemp(path.join(tmpdir(), 'kubectl-sa-token-'));
    jwksFile = path.join(folder, 'jwks.json');
    await writeFile(jwksFile, JSON.stringify(signer.jwks));
    token = await signer.sign(boundClaims(new Date()));
  });

  it('inspect reads the token from stdin (-), from piped stdin, from --token-file and from the argument alike', async () => {
    const tokenFile = path.join(folder, 'token');
    await writeFile(tokenFile, `${token}\n`);
    const runs = await Promise.all([
      runTokenCli(['token', 'inspect', '-'], { input: `${token}\n` }),
      runTokenCli(['token', 'inspect'], { input: token }),
      runTokenCli(['token', 'inspect', '--token-file', tokenFile]),
      runTokenCli(['token', 'inspect', token]),
    ]);
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^Subject: +system:serviceaccount:prod:web$/m);
      expect(run.stdout).toMatch(/^Expires: .*\(expires in 4[67] min\)$/m);
    }
    // The same answer from each source, but for the relative times ("13 min ago"): the runs may straddle a minute.
    expect(new Set(runs.map((run) => run.stdout.replace(/\([^)]*\)/g, '()'))).size).toBe(1);
  });

  it('the scan every CLI run of every test goes through catches a token, raw or base64 as a Secret holds it', () => {
    const encoded = Buffer.from(token).toString('base64');
    for (const stdout of [token, `token: ${encoded}\n`])
      expect(() => expectNoJwtInOutput(['token', 'legacy', '-o', 'yaml'], { stdout, stderr: '' })).toThrow(
        /stdout of token legacy holds a JWT-shaped string/,
      );
    expect(() => expectNoJwtInOutput(['fix', '-f', 'x.yaml'], { stdout: '', stderr: `error: ${token}` })).toThrow(/stderr of fix/);
    // token create's stdout is the one place a token belongs; its stderr is not.
    expectNoJwtInOutput(['token', 'create', 'ci:deployer', '-o', 'kubeconfig'], { stdout: token, stderr: '' });
    expect(() => expectNoJwtInOutput(['token', 'create', 'ci:deployer'], { stdout: '', stderr: token })).toThrow(/stderr of token create/);
  });

  it('inspect -o json has the claims and no token', async () => {
    const run = await runTokenCli(['token', 'inspect', '-', '-o', 'json'], { input: token });
    expect(JSON.parse(run.stdout)).toMatchObject({
      kind: 'TokenInspection',
      verified: false,
      tokenKind: 'bound',
      header: { kid: 'test-key' },
    });
  });

  it.each([
    ['not three parts', 'abc.def', /not a JSON Web Token: expected three dot-separated parts/],
    ['bad base64', 'ab$c.def.ghi', /the header is not base64url/],
    ['not JSON', `${Buffer.from('nope').toString('base64url')}.e30.sig`, /the header is not JSON/],
    ['huge', 'a'.repeat(70_000), /larger than 65536 bytes/],
    ['empty', '\n', /stdin: no token: the input is empty/],
  ])('inspect refuses %s with one line and exit 2, without echoing the input', async (_case, input, message) => {
    const run = await runTokenCli(['token', 'inspect', '-'], { input });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    if (input.trim().length > 3) expect(run.stderr).not.toContain(input.trim().slice(0, 4));
    expect(run.stdout).toBe('');
  });

  it('a token given in the wrong place is never echoed in an error', async () => {
    const run = await runTokenCli(['token', 'inspect', token, 'stray']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unexpected argument after TOKEN \(not shown/);
    const both = await runTokenCli(['token', 'inspect', token, '--token-file', '/nonexistent']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give the token once/);
    // Pasted where create wants the ServiceAccount: refused before any cluster is asked (whose error would quote it).
    for (const serviceAccount of [token, `default:${token}`]) {
      const create = await runTokenCli(['token', 'create', serviceAccount, '--kubeconfig', '/nonexistent']);
      expect(create.code).toBe(2);
      expect(create.stderr).toMatch(/^error: invalid ServiceAccount name \(not shown: it may hold a credential\)/);
    }
  });

  it('a token pasted as a command word or a path is not echoed by the error that refuses it', async () => {
    const encoded = Buffer.from(token).toString('base64');
    for (const args of [['token', 'legacy', token], ['token', token], [token], ['scan', token], ['scan', '-f', encoded]]) {
      const run = await runTokenCli(args);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/<token not shown>/);
    }
  });

  it('verify --jwks checks the signature with no cluster, and explains what offline verification cannot see', async () => {
    const run = await runTokenCli(['token', 'verify', '-', '--jwks', jwksFile, '--issuer', issuer, '--kubeconfig', '/nonexistent'], {
      input: token,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Result: +VALID offline/m);
    expect(run.stdout).toMatch(/^Signature: +ok: RS256 signature by key test-key of .*jwks\.json$/m);
    expect(run.stdout).toMatch(/^Issuer: +ok: https:\/\/kubernetes\.default\.svc\.cluster\.local$/m);
    expect(run.stdout).toMatch(/a token bound to a deleted pod still verifies here until it expires, while `kubectl sa token review`/);
  });

  it('verify exits 1 and names every failed check', async () => {
    const expired = await signer.sign(boundClaims(new Date(), { exp: epoch(new Date()) - 7200 }));
    const run = await runTokenCli(['token', 'verify', '-', '--jwks', jwksFile, '--audience', 'vault', '-o', 'json'], { input: expired });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { valid: boolean; checks: { check: string; result: string }[] };
    expect(report.valid).toBe(false);
    expect(report.checks.map((check) => `${check.check}:${check.result}`)).toEqual([
      'signature:pass',
      'issuer:skipped',
      'lifetime:fail',
      'audience:fail',
    ]);
  });

  it('verify flags a legacy token but does not fail it', async () => {
    const run = await runTokenCli(['token', 'verify', '-', '--jwks', jwksFile], { input: await signer.sign(legacyClaims()) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Lifetime: +warning: never expires/m);
  });

  it('--token-file and --jwks read a pipe (<(vault read …)) as a file, and an endless device is refused, not slurped', async () => {
    const tokenPipe = path.join(folder, 'token.fifo');
    const jwksPipe = path.join(folder, 'jwks.fifo');
    execFileSync('mkfifo', [tokenPipe, jwksPipe]);
    // The writer waits for the reader, as a shell's process substitution does; it writes in pieces.
    const feeding = Promise.all([
      writeFile(tokenPipe, `${token}\n`),
      (async () => {
        const handle = await open(jwksPipe, 'w');
        const text = JSON.stringify(signer.jwks);
        await handle.write(text.slice(0, 10));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await handle.write(text.slice(10));
        await handle.close();
      })(),
    ]);
    const run = await runTokenCli(['token', 'verify', '--token-file', tokenPipe, '--jwks', jwksPipe]);
    await feeding;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Result: +VALID offline/m);
    const endless = await runTokenCli(['token', 'inspect', '--token-file', '/dev/zero']);
    expect(endless.code).toBe(2);
    expect(endless.stderr).toMatch(/\/dev\/zero: not a JSON Web Token: it is larger than 65536 bytes/);
    const folderGiven = await runTokenCli(['token', 'inspect', '--token-file', folder]);
    expect(folderGiven.code).toBe(2);
    expect(folderGiven.stderr).toMatch(/cannot read the token file \(a folder\)/);
  });

  it('verify --jwks with a file that is not a JWK Set is an input error', async () => {
    const notJwks = path.join(folder, 'not-jwks.json');
    await writeFile(notJwks, '{"kty": "RSA"}');
    const run = await runTokenCli(['token', 'verify', '-', '--jwks', notJwks], { input: token });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/not-jwks\.json: not a JWK Set: expected a JSON object with a "keys" array/);
    const missing = await runTokenCli(['token', 'verify', '-', '--jwks', path.join(folder, 'missing.json')], { input: token });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the JWK Set \(no such file\)/);
  });
});

describe('kubectl sa token create refuses what the TokenRequest API would, before connecting', () => {
  it.each([
    [['--duration', '5m'], /--duration 5m is too short: the TokenRequest API requires at least 10 minutes \(expirationSeconds >= 600\)/],
    [['--duration', 'soon'], /invalid --duration "soon"/],
    [['--duration', '10m0.5s'], /whole number of seconds/],
    [['--bound-object-name', 'web'], /--bound-object-name needs --bound-object-kind/],
    [['--bound-object-kind', 'Pod'], /--bound-object-kind Pod needs --bound-object-name/],
    [
      ['--bound-object-kind', 'Deployment', '--bound-object-name', 'x'],
      /Expected --bound-object-kind=Deployment to be one of: Pod, Secret, Node/,
    ],
  ])('%j', async (flags, message) => {
    const run = await runTokenCli(['token', 'create', 'ci:deployer', ...flags, '--kubeconfig', '/nonexistent']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
