import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTokenCli } from '../helpers/token-safety.js';
import { freshNamespace, kubectl, liveCluster } from './kube.js';

/** The claims of a token, decoded here (test side) so that the product's own decoder is not its own oracle. */
interface Claims {
  readonly exp: number;
  readonly iat: number;
  readonly aud: string[];
  readonly sub: string;
  readonly 'kubernetes.io': Record<'pod' | 'secret' | 'node', { name: string; uid: string }>;
}
function claimsOf(token: string): Claims {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Claims;
}

describe('kubectl sa token create | review | verify against a real API server', () => {
  let namespace: string;
  let folder: string;
  const admin = () => ['--kubeconfig', liveCluster().kubeconfigPath];
  const create = async (args: readonly string[]) => {
    const run = await runTokenCli(['token', 'create', ...args, ...admin()], { tokenOnStdout: true });
    expect(run.code, run.stderr).toBe(0);
    return run;
  };
  const newToken = async (args: readonly string[] = []) => (await create([`${namespace}:web`, ...args])).stdout.trim();
  const podUid = async (name: string) => (await kubectl(['-n', namespace, 'get', 'pod', name, '-o', 'jsonpath={.metadata.uid}'])).trim();

  beforeAll(async () => {
    namespace = await freshNamespace('tokens');
    folder = await mkdtemp(path.join(tmpdir(), 'kubectl-sa-live-token-'));
    await kubectl(['-n', namespace, 'create', 'serviceaccount', 'web']);
    // No scheduler runs: the pods stay Pending, which is all a bound token needs (the object and its UID).
    for (const pod of ['web-a', 'web-b', 'web-c']) {
      await kubectl([
        '-n',
        namespace,
        'run',
        pod,
        '--image=registry.k8s.io/pause:3.10',
        '--restart=Never',
        '--overrides={"spec":{"serviceAccountName":"web"}}',
      ]);
    }
  });

  it('create prints the token and nothing else; default 1h for the API server’s audience', async () => {
    const run = await create([`${namespace}:web`]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+\n$/);
    const claims = claimsOf(run.stdout.trim());
    expect(claims.exp - claims.iat).toBe(3600);
    expect(claims.aud).toEqual([liveCluster().server]);
    expect(claims.sub).toBe(`system:serviceaccount:${namespace}:web`);
  });

  it('create --duration --audience (repeated), and NAME -n NS like kubectl create token', async () => {
    const run = await create(['web', '-n', namespace, '--duration', '20m', '--audience', 'vault', '--audience', 'sts.amazonaws.com']);
    const claims = claimsOf(run.stdout.trim());
    expect(claims.exp - claims.iat).toBe(1200);
    expect(claims.aud).toEqual(['vault', 'sts.amazonaws.com']);
  });

  it('create binds to a Pod (by name, and by name and UID), a Secret and a Node', async () => {
    const uid = await podUid('web-a');
    expect(claimsOf(await newToken(['--bound-object-kind', 'Pod', '--bound-object-name', 'web-a']))['kubernetes.io'].pod).toEqual({
      name: 'web-a',
      uid,
    });
    expect(
      claimsOf(await newToken(['--bound-object-kind', 'Pod', '--bound-object-name', 'web-a', '--bound-object-uid', uid]))['kubernetes.io']
        .pod.uid,
    ).toBe(uid);

    await kubectl(['-n', namespace, 'create', 'secret', 'generic', 'binding', '--from-literal=k=v']);
    const secretUid = (await kubectl(['-n', namespace, 'get', 'secret', 'binding', '-o', 'jsonpath={.metadata.uid}'])).trim();
    expect(claimsOf(await newToken(['--bound-object-kind', 'Secret', '--bound-object-name', 'binding']))['kubernetes.io'].secret).toEqual({
      name: 'binding',
      uid: secretUid,
    });

    const node = `node-${namespace}`;
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: node } }) });
    try {
      expect(claimsOf(await newToken(['--bound-object-kind', 'Node', '--bound-object-name', node]))['kubernetes.io'].node.name).toBe(node);
    } finally {
      await kubectl(['delete', 'node', node]);
    }
  });

  it('create refuses a bound UID that does not match, a missing object, SA or namespace (exit 2), and a forbidden request (exit 3)', async () => {
    const cases: [readonly string[], number, RegExp][] = [
      [
        [
          `${namespace}:web`,
          '--bound-object-kind',
          'Pod',
          '--bound-object-name',
          'web-a',
          '--bound-object-uid',
          '00000000-0000-0000-0000-000000000000',
        ],
        2,
        /UID/,
      ],
      [[`${namespace}:web`, '--bound-object-kind', 'Pod', '--bound-object-name', 'no-such-pod'], 2, /pods "no-such-pod" not found/],
      [[`${namespace}:no-such-sa`], 2, /serviceaccounts "no-such-sa" not found/],
      [['no-such-namespace:web'], 2, /namespaces "no-such-namespace" not found/],
    ];
    for (const [args, code, message] of cases) {
      const run = await runTokenCli(['token', 'create', ...args, ...admin()]);
      expect(run.code, run.stderr).toBe(code);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    const forbidden = await runTokenCli(['token', 'create', `${namespace}:web`, '--kubeconfig', liveCluster().kubeconfigs.bob ?? '']);
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toMatch(
      /^error: cannot create a token for ServiceAccount .*: serviceaccounts "web" is forbidden: User "bob" cannot create resource "serviceaccounts\/token"/,
    );
  });

  it('create -o json|yaml prints the TokenRequest; -o kubeconfig works with kubectl as the ServiceAccount', async () => {
    const json = JSON.parse((await create([`${namespace}:web`, '-o', 'json'])).stdout) as {
      kind: string;
      status: { token: string; expirationTimestamp: string };
      metadata: object;
    };
    expect(json.kind).toBe('TokenRequest');
    expect(json.status.token).toMatch(/^eyJ/);
    expect(Date.parse(json.status.expirationTimestamp)).toBeGreaterThan(Date.now());
    expect(json.metadata).not.toHaveProperty('managedFields');
    expect((await create([`${namespace}:web`, '-o', 'yaml'])).stdout).toMatch(/^kind: TokenRequest$/m);

    const file = path.join(folder, 'web.kubeconfig');
    await writeFile(file, (await create([`${namespace}:web`, '-o', 'kubeconfig'])).stdout, { mode: 0o600 });
    const whoami = JSON.parse(await kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig: file })) as {
      status: { userInfo: { username: string } };
    };
    expect(whoami.status.userInfo.username).toBe(`system:serviceaccount:${namespace}:web`);
    expect(
      (await kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].context.namespace}'], { kubeconfig: file })).trim(),
    ).toBe(namespace);
  });

  it('review: authenticated with user and groups; refused for the wrong audience, with the reason (exit 1)', async () => {
    const token = await newToken(['--audience', 'vault']);
    const ok = await runTokenCli(['token', 'review', '-', '--audience', 'vault', ...admin()], { input: token });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Authenticated: +yes$/m);
    expect(ok.stdout).toMatch(new RegExp(`^User: +system:serviceaccount:${namespace}:web$`, 'm'));
    expect(ok.stdout).toMatch(
      new RegExp(`^Groups: +system:serviceaccounts, system:serviceaccounts:${namespace}, system:authenticated$`, 'm'),
    );
    expect(ok.stdout).toMatch(/^Audiences: +vault$/m);

    const wrong = await runTokenCli(['token', 'review', '-', '-o', 'json', ...admin()], { input: token });
    expect(wrong.code).toBe(1);
    const report = JSON.parse(wrong.stdout) as { authenticated: boolean; reason: string; user: unknown };
    expect(report).toMatchObject({ authenticated: false, user: null });
    expect(report.reason).toMatch(/token audiences \["vault"\] is invalid for the target audiences/);
  });

  it('a token bound to a deleted pod: review refuses it, verify still passes it offline (the difference verify explains)', async () => {
    const token = await newToken(['--bound-object-kind', 'Pod', '--bound-object-name', 'web-b']);
    const before = await runTokenCli(['token', 'review', '-', ...admin()], { input: token });
    expect(before.code, before.stdout).toBe(0);
    expect(before.stdout).toMatch(/authentication\.kubernetes\.io\/pod-name=web-b/);
    await kubectl(['-n', namespace, 'delete', 'pod', 'web-b', '--wait=true']);
    // The API server caches a successful authentication for 10 s (its token cache), so poll until it forgets.
    let after = await runTokenCli(['token', 'review', '-', ...admin()], { input: token });
    for (let attempt = 0; after.code === 0 && attempt < 40; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = await runTokenCli(['token', 'review', '-', ...admin()], { input: token });
    }
    expect(after.code, after.stdout).toBe(1);
    expect(after.stdout).toMatch(/^Reason: +.*(invalidated|not found)/m);

    const offline = await runTokenCli(['token', 'verify', '-', ...admin()], { input: token });
    expect(offline.code, offline.stdout).toBe(0);
    expect(offline.stdout).toMatch(/^Result: +VALID offline/m);
    expect(offline.stdout).toMatch(/^Bound to: +Pod web-b$/m);
    expect(offline.stdout).toMatch(/a token bound to a deleted pod still verifies here until it expires/);
  });

  it("verify online reads the cluster's discovery and JWKS; verify --jwks needs no cluster", async () => {
    const token = await newToken(['--audience', 'vault']);
    const online = await runTokenCli(['token', 'verify', '-', '--audience', 'vault', '-o', 'json', ...admin()], { input: token });
    expect(online.code, online.stderr).toBe(0);
    const report = JSON.parse(online.stdout) as { valid: boolean; keysFrom: string; checks: { check: string; result: string }[] };
    expect(report.keysFrom).toBe(`${liveCluster().server}/openid/v1/jwks`);
    expect(report.checks.map((check) => `${check.check}:${check.result}`)).toEqual([
      'signature:pass',
      'issuer:pass',
      'lifetime:pass',
      'audience:pass',
    ]);

    const wrongAudience = await runTokenCli(['token', 'verify', '-', '--audience', 'api', ...admin()], { input: token });
    expect(wrongAudience.code).toBe(1);
    expect(wrongAudience.stdout).toMatch(/^Audience: +FAILED: meant for vault, none of api$/m);

    const jwks = path.join(folder, 'jwks.json');
    await writeFile(jwks, await kubectl(['get', '--raw', '/openid/v1/jwks']));
    const offline = await runTokenCli(
      ['token', 'verify', '-', '--jwks', jwks, '--issuer', liveCluster().server, '--kubeconfig', '/nonexistent'],
      { input: token },
    );
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toMatch(/^Issuer: +ok: /m);
  });

  it('verify and review need their permissions: bob is refused with exit 3 and a hint', async () => {
    const token = await newToken();
    const verify = await runTokenCli(['token', 'verify', '-', '--kubeconfig', liveCluster().kubeconfigs.bob ?? ''], { input: token });
    expect(verify.code).toBe(3);
    expect(verify.stderr).toMatch(/cannot read the cluster's ServiceAccount issuer discovery .*forbidden/);
    expect(verify.stderr).toMatch(
      /^hint: the ClusterRole system:service-account-issuer-discovery grants it; or verify offline with --jwks FILE$/m,
    );
    const review = await runTokenCli(['token', 'review', '-', '--kubeconfig', liveCluster().kubeconfigs.bob ?? ''], { input: token });
    expect(review.code).toBe(3);
    expect(review.stderr).toMatch(/cannot review the token \(TokenReview\): .*forbidden/);
  });

  it('a legacy Secret token: verify passes it with warnings, review authenticates it, inspect flags it', async () => {
    await kubectl(['-n', namespace, 'apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: { name: 'web-legacy', annotations: { 'kubernetes.io/service-account.name': 'web' } },
      }),
    });
    let encoded = '';
    for (let attempt = 0; encoded === '' && attempt < 100; attempt++) {
      encoded = (await kubectl(['-n', namespace, 'get', 'secret', 'web-legacy', '-o', 'jsonpath={.data.token}'])).trim();
      if (encoded === '') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const token = Buffer.from(encoded, 'base64').toString('utf8');
    const inspect = await runTokenCli(['token', 'inspect', '-'], { input: token });
    expect(inspect.stdout).toMatch(/^Token: +LEGACY ServiceAccount token/m);
    expect(inspect.stdout).toMatch(/^Stored in secret: +web-legacy$/m);
    const verify = await runTokenCli(['token', 'verify', '-', ...admin()], { input: token });
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(/^Issuer: +warning: kubernetes\/serviceaccount: a legacy Secret-based token/m);
    const review = await runTokenCli(['token', 'review', '-', ...admin()], { input: token });
    expect(review.code).toBe(0);
  });

  it('works as kubectl sa, through kubectl itself: create piped into review', async () => {
    const created = await runTokenCli(['token', 'create', `${namespace}:web`, ...admin()], { tokenOnStdout: true, throughKubectl: true });
    expect(created.code, created.stderr).toBe(0);
    const review = await runTokenCli(['token', 'review', '-', ...admin()], { input: created.stdout, throughKubectl: true });
    expect(review.code, review.stderr).toBe(0);
    expect(review.stdout).toMatch(/^Authenticated: +yes$/m);
  });
});
