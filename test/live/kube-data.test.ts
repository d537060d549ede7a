import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRecord } from '../../src/inventory/kube-object.js';
import { ApiClient } from '../../src/sources/cluster/api-client.js';
import { snapshotApiResources, snapshotDefaultRbac } from '../../src/sources/cluster/kube-data-snapshot.js';
import { loadKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { liveCluster } from './kube.js';

/**
 * The data shipped in data/ is what a real API server of the harness's version has. A Kubernetes bump that
 * changes the bootstrap RBAC or the discovery fails here, loudly; `npm run gen:kube-data` regenerates
 * both with the very functions used below.
 */
const shipped = (file: string): unknown => JSON.parse(readFileSync(new URL(`../../data/${file}`, import.meta.url), 'utf8'));
const client = async () => new ApiClient((await loadKubeConfig({ kubeconfig: liveCluster().kubeconfigPath })).config);
const regenerate = 'data/ is out of date for this API server: run `npm run gen:kube-data` and review the diff';

describe('shipped Kubernetes data equals the live API server', () => {
  it("data/default-rbac.json is the server's bootstrap RBAC (kubernetes.io/bootstrapping=rbac-defaults), cleaned as the generator does", async () => {
    const live = await snapshotDefaultRbac(await client());
    expect(shipped('default-rbac.json'), regenerate).toEqual(live);
  });

  it("data/api-resources.json is the server's discovery (the CRDs other tests create aside)", async () => {
    const live = await snapshotApiResources(await client());
    // Live tests run side by side and some create CRDs; those are the input's business, not the built-in table's.
    const crds = await (await client()).getJson<unknown>('/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
    const custom = new Set(
      (isRecord(crds) && Array.isArray(crds.items) ? crds.items : []).flatMap((crd) =>
        isRecord(crd) && isRecord(crd.spec) && isRecord(crd.spec.names)
          ? [`${String(crd.spec.names.plural)}.${String(crd.spec.group)}`]
          : [],
      ),
    );
    const builtIn = { ...live, resources: live.resources.filter((resource) => !custom.has(`${resource.plural}.${resource.group}`)) };
    expect(shipped('api-resources.json'), regenerate).toEqual(JSON.parse(JSON.stringify(builtIn)));
  });
});
