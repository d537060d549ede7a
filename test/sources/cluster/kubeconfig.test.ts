import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/kubectl-sa-error.js';
import { loadKubeConfig } from '../../../src/sources/cluster/kubeconfig.js';

function kubeconfig(options: {
  cluster: string;
  server: string;
  context: string;
  namespace?: string;
  current?: string;
  user?: string;
}): string {
  const user = options.user ?? 'u';
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${options.cluster}`,
    '  cluster:',
    `    server: ${options.server}`,
    '    certificate-authority: certs/ca.crt',
    'users:',
    `- name: ${user}`,
    '  user:',
    '    token: not-a-real-token',
    'contexts:',
    `- name: ${options.context}`,
    '  context:',
    `    cluster: ${options.cluster}`,
    `    user: ${user}`,
    ...(options.namespace ? [`    namespace: ${options.namespace}`] : []),
    ...(options.current ? [`current-context: ${options.current}`] : []),
    '',
  ].join('\n');
}

function files(contents: Record<string, string>): Record<string, string> {
  const root = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-kubeconfig-'));
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(contents)) {
    const full = path.join(root, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
    paths[name] = full;
  }
  return paths;
}

describe('loadKubeConfig', () => {
  it('merges KUBECONFIG files with the first file winning for duplicate names, as kubectl does', async () => {
    const paths = files({
      'a/config': kubeconfig({
        cluster: 'prod',
        server: 'https://first.example:6443',
        context: 'prod',
        namespace: 'team-a',
        current: 'prod',
      }),
      'b/config': kubeconfig({ cluster: 'prod', server: 'https://second.example:6443', context: 'prod', current: 'other' }),
      'c/config': kubeconfig({ cluster: 'staging', server: 'https://staging.example:6443', context: 'staging', user: 'v' }),
      // The CA files they name: kubectl (and we) refuse a kubeconfig whose files cannot be read.
      'a/certs/ca.crt': 'a',
      'c/certs/ca.crt': 'c',
    });
    const KUBECONFIG = [paths['a/config'], '/does/not/exist', paths['b/config'], paths['c/config']].join(path.delimiter);
    const loaded = await loadKubeConfig({}, { KUBECONFIG });
    expect(loaded.contextName).toBe('prod');
    expect(loaded.server).toBe('https://first.example:6443');
    expect(loaded.namespace).toBe('team-a');
    // Relative paths resolve against the file that holds them.
    expect(loaded.config.getCurrentCluster()?.caFile).toBe(path.join(path.dirname(paths['a/config'] ?? ''), 'certs', 'ca.crt'));
    expect((await loadKubeConfig({ context: 'staging' }, { KUBECONFIG })).server).toBe('https://staging.example:6443');
  });

  it('uses --kubeconfig alone when given, and defaults the namespace to default', async () => {
    const paths = files({
      config: kubeconfig({ cluster: 'c', server: 'https://only.example', context: 'x', current: 'x' }),
      'certs/ca.crt': 'ca',
    });
    const loaded = await loadKubeConfig({ kubeconfig: paths.config }, { KUBECONFIG: '/elsewhere' });
    expect(loaded).toMatchObject({ server: 'https://only.example', namespace: 'default', contextName: 'x' });
  });

  it('says which context is unknown, and which file is missing', async () => {
    const paths = files({ config: kubeconfig({ cluster: 'c', server: 'https://only.example', context: 'x', current: 'x' }) });
    const unknownContext = loadKubeConfig({ kubeconfig: paths.config, context: 'nope' });
    await expect(unknownContext).rejects.toThrow('context "nope" does not exist in the kubeconfig');
    await expect(unknownContext).rejects.toBeInstanceOf(ConfigError);
    await expect(loadKubeConfig({ kubeconfig: '/no/such/file' })).rejects.toThrow(ConfigError);
  });

  it('fails with a configuration error (exit 2) when there is no configuration at all', async () => {
    await expect(loadKubeConfig({}, { HOME: '/nonexistent-home' })).rejects.toThrow(ConfigError);
  });
});

describe('loadKubeConfig: what kubectl checks before it connects', () => {
  it('refuses a certificate-authority file that cannot be read, naming it', async () => {
    const paths = files({ config: kubeconfig({ cluster: 'c', server: 'https://only.example', context: 'x', current: 'x' }) });
    const caFile = path.join(path.dirname(paths.config ?? ''), 'certs', 'ca.crt');
    await expect(loadKubeConfig({ kubeconfig: paths.config })).rejects.toThrow(
      `cannot read certificate-authority ${caFile} of cluster "c" in the kubeconfig: no such file`,
    );
  });
});
