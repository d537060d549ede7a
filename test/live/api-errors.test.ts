import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/handle-error.js';
import { ApiClient } from '../../src/sources/cluster/api-client.js';
import { discoverApiResources } from '../../src/sources/cluster/discovery.js';
import { loadKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { askApiServer } from '../../src/sources/cluster/subject-access-review.js';
import { runCli } from '../helpers/cli.js';
import { apply, freshNamespace, liveCluster } from './kube.js';

/**
 * Every refusal here is the real kube-apiserver's own answer:
 *  - 401: a bearer token it does not know;
 *  - 403: an anonymous request (no credentials), which RBAC grants nothing, not even discovery;
 *  - 404: a server URL with a path prefix the server does not serve (a mistyped proxy path);
 *  - 409: creating an object that exists (the only request for which a real server answers 409);
 *  - 503: a server URL through the API server's service proxy to a Service without endpoints, so every
 *    request gets the proxy's "no endpoints available" (the answer an aggregated API whose backend is
 *    down gives).
 */
type Status = 401 | 403 | 404 | 409 | 503;

function kubeconfigFile(server: string, user: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kubectl-sa-api-errors-')), 'config');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server}", certificate-authority: "${liveCluster().caFile}"}}]
users: [{name: u, user: ${user}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`,
  );
  return file;
}

const requestKinds = {
  list: (client: ApiClient) => client.getJson('/api/v1/serviceaccounts', { limit: '500' }),
  get: (client: ApiClient) => client.getJson('/api/v1/namespaces/default'),
  SubjectAccessReview: (client: ApiClient) =>
    askApiServer(client, { user: 'alice', groups: [], verb: 'get', apiGroup: '', resource: 'pods', namespace: 'default' }),
  discovery: (client: ApiClient) => discoverApiResources(client),
} as const;

describe('every refusal of the API server is one line and exit 3, for every request kind', () => {
  const kubeconfigs = {} as Record<Exclude<Status, 409>, string>;
  let namespace: string;

  beforeAll(async () => {
    const { server, tokens } = liveCluster();
    namespace = await freshNamespace('errors');
    // A Service whose (empty) Endpoints say it has no backend: the proxy answers 503.
    await apply(
      `
apiVersion: v1
kind: Service
metadata: {name: nothing}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: nothing}
subsets: []
`,
      namespace,
    );
    kubeconfigs[401] = kubeconfigFile(server, '{token: not-a-token-this-server-knows}');
    kubeconfigs[403] = kubeconfigFile(server, '{}');
    kubeconfigs[404] = kubeconfigFile(`${server}/no-such-prefix`, `{token: ${tokens.admin}}`);
    kubeconfigs[503] = kubeconfigFile(`${server}/api/v1/namespaces/${namespace}/services/nothing:80/proxy`, `{token: ${tokens.admin}}`);
  });

  const serverWords: Record<Exclude<Status, 409>, RegExp> = {
    401: /the server answered 401 Unauthorized: Unauthorized$/,
    403: /the server answered 403 Forbidden: .*User "system:anonymous" cannot/,
    404: /the server answered 404 Not Found: 404 page not found$/,
    503: /the server answered 503 ServiceUnavailable: no endpoints available for service "nothing"$/,
  };

  for (const status of [401, 403, 404, 503] as const) {
    for (const [kind, send] of Object.entries(requestKinds)) {
      it(`${status} on ${kind}`, async () => {
        const loaded = await loadKubeConfig({ kubeconfig: kubeconfigs[status] });
        const client = new ApiClient(loaded.config, { maxAttempts: 2, backoffMs: 10 });
        const failure = await send(client).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).toBeDefined();
        const stderr = new PassThrough();
        const chunks: Buffer[] = [];
        stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
        const code = exitCodeFor(failure, stderr);
        const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
        expect(code).toBe(3);
        expect(lines[0]).toMatch(/^error: (GET|POST) \/\S+: /);
        expect(lines[0]).toMatch(serverWords[status]);
        // At most one hint line follows; never a stack trace.
        expect(lines.length).toBeLessThanOrEqual(2);
        if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
      });
    }
  }

  it('409 on a create (an object that exists)', async () => {
    const loaded = await loadKubeConfig({ kubeconfig: liveCluster().kubeconfigPath });
    const client = new ApiClient(loaded.config);
    const failure = await client
      .postJson('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const stderr = new PassThrough();
    const chunks: Buffer[] = [];
    stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    expect(exitCodeFor(failure, stderr)).toBe(3);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(
      `error: POST /api/v1/namespaces: the server answered 409 AlreadyExists: namespaces "${namespace}" already exists\n`,
    );
  });

  it('through the commands: exit 3, the server words, no stack trace, for each status', async () => {
    const bob = liveCluster().kubeconfigs.bob ?? '';
    const cases: { args: string[]; words: RegExp }[] = [
      { args: ['can-i', 'get', '/healthz', '--sa', 'a:b', '--server', '--kubeconfig', kubeconfigs[401]], words: serverWords[401] },
      {
        args: ['can-i', 'create', 'pods', '--sa', 'a:b', '--server', '--kubeconfig', bob],
        words: /User "bob" cannot create resource "subjectaccessreviews"/,
      },
      { args: ['can-i', 'get', 'pods', '--sa', 'a:b', '--server', '--kubeconfig', kubeconfigs[403]], words: /cannot get path "\/api/ },
      { args: ['can-i', 'get', '/healthz', '--sa', 'a:b', '--server', '--kubeconfig', kubeconfigs[404]], words: serverWords[404] },
      { args: ['can-i', 'get', '/healthz', '--sa', 'a:b', '--server', '--kubeconfig', kubeconfigs[503]], words: serverWords[503] },
      { args: ['who-can', 'list', 'nodes', '--kubeconfig', kubeconfigs[401]], words: serverWords[401] },
      { args: ['who-can', 'list', 'nodes', '--kubeconfig', kubeconfigs[503]], words: serverWords[503] },
      {
        args: ['scan', '-A', '--kubeconfig', kubeconfigs[404]],
        words: /every list request was refused \(not served by this cluster\): 404 page not found$/,
      },
      { args: ['inventory', '-n', 'default', '--kubeconfig', kubeconfigs[503]], words: serverWords[503] },
      {
        args: ['inventory', '-A', '--kubeconfig', kubeconfigs[403]],
        words: /every list request was refused \(forbidden\): .*"system:anonymous" cannot list/,
      },
    ];
    for (const { args, words } of cases) {
      const result = await runCli(args);
      const lines = result.stderr.trimEnd().split('\n');
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(3);
      expect(lines[0], args.join(' ')).toMatch(/^error: /);
      expect(lines[0], args.join(' ')).toMatch(words);
      expect(result.stderr).not.toMatch(/bug in kubectl-sa|\n {4}at /);
    }
  }, 120_000);
});
