import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../apiserver/controlplane.js';
import { ApiClient } from '../../src/sources/cluster/api-client.js';
import { waitUntilAllowed } from './kube.js';
import { loadKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { readCluster } from '../../src/sources/cluster/read-cluster.js';

/**
 * A real kube-apiserver that serves one read request at a time (--max-requests-inflight=1, priority and
 * fairness off) answers the rest with 429 Too Many Requests and Retry-After: 1 — the throttling users meet
 * on busy clusters, produced by the API server itself rather than imitated.
 */
const execFileAsync = promisify(execFile);

describe('the API client under real API server throttling (429)', () => {
  let controlPlane: ControlPlane;

  beforeAll(async () => {
    controlPlane = await startControlPlane({
      users: [{ name: 'carol' }],
      apiServerArgs: ['--max-requests-inflight=1', '--max-mutating-requests-inflight=1'],
    });
    // system:masters is exempt from the in-flight limit, so the throttled client is an ordinary user
    // who may read everything.
    await execFileAsync('kubectl', [
      '--kubeconfig',
      controlPlane.kubeconfigPath,
      'create',
      'clusterrolebinding',
      'carol-view-all',
      '--clusterrole=cluster-admin',
      '--user=carol',
    ]);
    await waitUntilAllowed('carol', ['list', 'namespaces'], { kubeconfig: controlPlane.kubeconfigPath });
  }, 180_000);

  afterAll(async () => {
    await controlPlane?.stop();
  });

  it('retries throttled requests with backoff until every list succeeds', async () => {
    const client = new ApiClient((await loadKubeConfig({ kubeconfig: controlPlane.kubeconfigs.carol })).config, {
      maxInFlight: 16,
      maxAttempts: 10,
    });
    const reads = await Promise.all(Array.from({ length: 6 }, () => readCluster(client, { namespace: undefined, pageSize: 20 })));
    for (const read of reads) {
      expect(read.unreadable).toEqual([]);
      expect(read.documents.length).toBe(reads[0]?.documents.length);
    }
    expect(client.retryCount).toBeGreaterThan(0);
    expect(client.requestCount).toBeGreaterThan(client.retryCount);
  }, 120_000);

  it('gives up after its attempts and says the server throttled it', async () => {
    const client = new ApiClient((await loadKubeConfig({ kubeconfig: controlPlane.kubeconfigs.carol })).config, {
      maxInFlight: 16,
      maxAttempts: 1,
    });
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, () => client.getJson('/api/v1/namespaces')));
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/429|Too many requests/i);
  }, 60_000);
});
