import { beforeAll, describe, expect, it } from 'vitest';
import { ClusterWriter } from '../../src/fixes/cluster-writer.js';
import { ApiClient, ApiStatusError } from '../../src/sources/cluster/api-client.js';
import { discoverApiResources } from '../../src/sources/cluster/discovery.js';
import { loadKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { apply, freshNamespace, kubectl, liveCluster } from './kube.js';

/** The one writer of fixes and token migrations, against a real API server: what a DELETE and a dry run mean. */
describe('ClusterWriter on a real API server', () => {
  let namespace: string;
  let writer: ClusterWriter;
  const exists = async (kind: string, name: string) =>
    (await kubectl(['get', kind, '-n', namespace, '-o', 'name'])).split('\n').includes(`${kind}/${name}`);

  beforeAll(async () => {
    namespace = await freshNamespace('writer');
    const loaded = await loadKubeConfig({ kubeconfig: liveCluster().kubeconfigPath });
    const client = new ApiClient(loaded.config);
    writer = new ClusterWriter(client, await discoverApiResources(client));
  });

  it('a server dry run of a delete deletes nothing; preconditions that no longer hold are a 409 and delete nothing', async () => {
    await kubectl(['create', 'serviceaccount', 'kept', '-n', namespace]);
    const ref = { apiVersion: 'v1', kind: 'ServiceAccount', namespace, name: 'kept' };
    const current = await writer.get(ref);
    const uid = current?.metadata?.uid;
    const resourceVersion = current?.metadata?.resourceVersion;
    await writer.delete(ref, { uid, resourceVersion }, 'server');
    expect(await exists('serviceaccount', 'kept')).toBe(true);

    const stale = await writer.delete(ref, { uid, resourceVersion: '1' }, 'none').catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(ApiStatusError);
    expect((stale as ApiStatusError).status).toBe(409);
    const otherUid = await writer.delete(ref, { uid: '00000000-0000-0000-0000-000000000000' }, 'none').catch((error: unknown) => error);
    expect((otherUid as ApiStatusError).status).toBe(409);
    expect(await exists('serviceaccount', 'kept')).toBe(true);

    await writer.delete(ref, { uid, resourceVersion }, 'none');
    expect(await exists('serviceaccount', 'kept')).toBe(false);
  });

  it('reads, creates and deletes a Secret as its metadata: no answer holds its values', async () => {
    await apply(
      `
apiVersion: v1
kind: Secret
metadata: {name: held}
stringData: {password: hunter2-writer}
`,
      namespace,
    );
    const ref = { apiVersion: 'v1', kind: 'Secret', namespace, name: 'held' };
    const read = await writer.get(ref);
    expect(read).toMatchObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'held' } });
    expect(JSON.stringify(read)).not.toMatch(/hunter2|aHVudGVyMi13cml0ZXI/);
    expect(read).not.toHaveProperty('data');

    const created = await writer.create(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'made', namespace }, stringData: { password: 'hunter2-made' } } as never,
      'none',
    );
    expect(created).toMatchObject({ kind: 'Secret', metadata: { name: 'made' } });
    expect(JSON.stringify(created)).not.toContain('hunter2');
    expect(await kubectl(['get', 'secret', 'made', '-n', namespace, '-o', 'jsonpath={.data.password}'])).toBe(
      Buffer.from('hunter2-made').toString('base64'),
    );
    await writer.delete(ref, { uid: read?.metadata?.uid }, 'none');
    expect(await exists('secret', 'held')).toBe(false);
  });
});
