import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/sources/cluster/api-client.js';
import { loadKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { readCluster } from '../../src/sources/cluster/read-cluster.js';
import { apply, freshNamespace, kubectl, liveCluster } from './kube.js';

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

// What a Deployment controller would have made (this control plane runs none): a ReplicaSet it owns, and a
// Pod the ReplicaSet owns, with the same template.
const owned = (kind: 'ReplicaSet' | 'Pod', name: string, owner: { kind: string; name: string; uid: string }) => `
apiVersion: ${kind === 'Pod' ? 'v1' : 'apps/v1'}
kind: ${kind}
metadata:
  name: ${name}
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ${owner.kind}, name: ${owner.name}, uid: ${owner.uid}, controller: true}]
${
  kind === 'Pod'
    ? 'spec: {serviceAccountName: web, containers: [{name: web, image: registry.example.com/web:1}]}'
    : 'spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {serviceAccountName: web, containers: [{name: web, image: registry.example.com/web:1}]}}}'
}
`;

describe('cluster pages, converted and reduced as they arrive', () => {
  let namespace: string;

  beforeAll(async () => {
    namespace = await freshNamespace('pages');
    await apply(
      `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {serviceAccountName: web, containers: [{name: web, image: registry.example.com/web:1}]}
`,
      namespace,
    );
    const uidOf = (kind: string, name: string) => kubectl(['get', kind, name, '-n', namespace, '-o', 'jsonpath={.metadata.uid}']);
    await kubectl(['-n', namespace, 'create', '-f', '-'], {
      input: owned('ReplicaSet', 'web-5d4f', { kind: 'Deployment', name: 'web', uid: await uidOf('deployment', 'web') }),
    });
    await kubectl(['-n', namespace, 'create', '-f', '-'], {
      input: owned('Pod', 'web-5d4f-x2x9q', { kind: 'ReplicaSet', name: 'web-5d4f', uid: await uidOf('replicaset', 'web-5d4f') }),
    });
  });

  it('folds a ReplicaSet and its Pod into the Deployment that owns them', async () => {
    const client = new ApiClient((await loadKubeConfig({ kubeconfig: liveCluster().kubeconfigPath })).config);
    const read = await readCluster(client, { namespace, pageSize: 2 });
    const objects = read.documents.map((document) => document.value as { kind: string; metadata: { name: string; namespace?: string } });
    const own = objects
      .filter((object) => object.metadata.namespace === namespace)
      .map((object) => `${object.kind}/${object.metadata.name}`);
    expect(own.sort()).toEqual(['Deployment/web', 'ServiceAccount/default', 'ServiceAccount/web']);
    expect(read.notes.map((note) => note.message)).toContain('judged 2 Pods, ReplicaSets and Jobs through the controllers that own them');
  });

  it("keeps no second copy of an object in kubectl's last-applied-configuration annotation", async () => {
    // kubectl apply wrote it on the cluster's objects…
    expect(await kubectl(['get', 'serviceaccount', 'web', '-n', namespace, '-o', 'json'])).toContain(lastApplied);
    const client = new ApiClient((await loadKubeConfig({ kubeconfig: liveCluster().kubeconfigPath })).config);
    const read = await readCluster(client, { namespace });
    const web = read.documents
      .map((document) => document.value as { kind: string; metadata: { name: string; namespace?: string; annotations?: object } })
      .filter((object) => object.metadata.namespace === namespace && object.metadata.name === 'web');
    expect(web.map((object) => object.kind).sort()).toEqual(['Deployment', 'ServiceAccount']);
    // …and the inventory holds the objects as they are, without it.
    for (const object of web) expect(Object.keys(object.metadata.annotations ?? {})).not.toContain(lastApplied);
  });
});
