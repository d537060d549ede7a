import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// A kubeconfig that cannot be used is the user's input, exit 2, said in one line; a cluster that cannot be
// reached is exit 3. Nothing here needs a cluster: 127.0.0.1:1 refuses every connection.
const root = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-config-errors-'));
const write = (name: string, text: string | Buffer) => {
  const file = path.join(root, name);
  writeFileSync(file, text);
  return file;
};
const folder = path.join(root, 'a-folder');
mkdirSync(folder);

const config = write(
  'config.yaml',
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- {name: refusing, cluster: {server: "https://127.0.0.1:1"}}',
    '- {name: serverless, cluster: {insecure-skip-tls-verify: true}}',
    'users:',
    '- {name: u, user: {token: not-a-real-token}}',
    `- {name: lost-cert, user: {client-certificate: ${root}/missing.crt, client-key: ${root}/missing.key}}`,
    'contexts:',
    '- {name: refusing, context: {cluster: refusing, user: u}}',
    '- {name: no-cluster, context: {cluster: nowhere, user: u}}',
    '- {name: no-server, context: {cluster: serverless, user: u}}',
    '- {name: lost-cert, context: {cluster: refusing, user: lost-cert}}',
    'current-context: refusing',
    '',
  ].join('\n'),
);
const noCurrent = write('no-current.yaml', 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
const missingCurrent = write('missing-current.yaml', 'apiVersion: v1\nkind: Config\ncurrent-context: gone\n');
const scalar = write('scalar.yaml', 'hello world\n');
const broken = write('broken.yaml', 'clusters: [\n');
const binary = write('binary.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a]));
const manifest = write('manifest.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x}\n');

// HOME without a .kube folder and no in-cluster variables, so only what a case names is read.
const clean = { HOME: path.join(root, 'home'), KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' };

describe('configuration errors are exit 2, an unreachable cluster exit 3', () => {
  it.each([
    ['no kubeconfig at all', [], {}, 'error: no cluster configuration: no kubeconfig file found and not running inside a cluster'],
    [
      '--kubeconfig that does not exist',
      ['--kubeconfig', path.join(root, 'nope')],
      {},
      `error: ${root}/nope: kubeconfig file does not exist`,
    ],
    [
      'KUBECONFIG naming only missing files',
      [],
      { KUBECONFIG: path.join(root, 'nope') },
      `error: KUBECONFIG names no file that exists: ${root}/nope`,
    ],
    ['an unreadable kubeconfig (a folder)', ['--kubeconfig', folder], {}, `error: ${folder}: cannot read the kubeconfig: it is a folder`],
    [
      'a YAML scalar',
      ['--kubeconfig', scalar],
      {},
      `error: ${scalar}: not a kubeconfig (a YAML mapping with clusters, users and contexts)`,
    ],
    ['broken YAML', ['--kubeconfig', broken], {}, `error: ${broken}: invalid kubeconfig: `],
    ['binary garbage', ['--kubeconfig', binary], {}, `error: ${binary}: invalid kubeconfig: `],
    [
      'a manifest passed as kubeconfig',
      ['--kubeconfig', manifest],
      {},
      `error: ${manifest}: not a kubeconfig (its kind is ServiceAccount, not Config)`,
    ],
    ['an unknown --context', ['--kubeconfig', config, '--context', 'nope'], {}, 'error: context "nope" does not exist in the kubeconfig'],
    ['no current context', ['--kubeconfig', noCurrent], {}, 'error: the kubeconfig has no current context'],
    [
      'a current context that does not exist',
      ['--kubeconfig', missingCurrent],
      {},
      'error: current context "gone" does not exist in the kubeconfig',
    ],
    [
      'a context naming an undefined cluster',
      ['--kubeconfig', config, '--context', 'no-cluster'],
      {},
      'error: context "no-cluster" names cluster "nowhere", which the kubeconfig does not define with a server',
    ],
    [
      'a cluster without a server',
      ['--kubeconfig', config, '--context', 'no-server'],
      {},
      'error: context "no-server" names cluster "serverless", which the kubeconfig does not define with a server',
    ],
    [
      'a client certificate that does not exist',
      ['--kubeconfig', config, '--context', 'lost-cert'],
      {},
      `error: cannot read client-certificate ${root}/missing.crt of user "lost-cert" in the kubeconfig: no such file`,
    ],
  ])('%s: exit 2', async (_case, args, env, message) => {
    for (const command of [['who-can', 'get', 'pods'], ['scan'], ['token', 'legacy']]) {
      const result = await runCli([...command, ...args], { env: { ...clean, ...env } });
      expect(result.code, `${command.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith(message), result.stderr).toBe(true);
      expect(result.stderr.split('\n').filter((line) => line.startsWith('error:'))).toHaveLength(1);
    }
  });

  it('usage without any cluster configuration points to --log-only, before reading the log', async () => {
    const log = write('audit.log', '{"kind":"Event"\n');
    const result = await runCli(['usage', '--audit-log', log], { env: clean });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: no cluster configuration: .*\nhint: .*; or read the audit log alone with --log-only\n$/);
  });

  it('a cluster that refuses connections: exit 3', async () => {
    const result = await runCli(['who-can', 'get', 'pods', '--kubeconfig', config], { env: clean });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: cannot reach the cluster at https:\/\/127\.0\.0\.1:1 /);
  });
});
