import { describe, expect, it } from 'vitest';
import { inventoryFromYaml } from '../helpers/inventory.js';

describe('buildInventory', () => {
  it('normalises every pod-bearing kind to its pod template and resolves the ServiceAccount', () => {
    const inventory = inventoryFromYaml(`
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {serviceAccount: legacy-field, containers: [{name: c}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj, namespace: jobs}
spec:
  jobTemplate:
    spec:
      template:
        spec: {serviceAccountName: runner, containers: [{name: c}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ss}
spec: {template: {spec: {containers: [{name: c}]}}}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec: {template: {metadata: {labels: {a: b}}, spec: {serviceAccountName: rc-sa}}}
---
apiVersion: example.com/v1
kind: Deployment
metadata: {name: not-apps}
spec: {template: {spec: {}}}
`);
    expect(
      inventory.workloads.map((workload) => [
        workload.entry.ref.kind,
        workload.namespace,
        workload.serviceAccountName,
        workload.podSpecPath.join('.'),
      ]),
    ).toEqual([
      ['Pod', 'default', 'legacy-field', 'spec'],
      ['CronJob', 'jobs', 'runner', 'spec.jobTemplate.spec.template.spec'],
      ['StatefulSet', 'default', 'default', 'spec.template.spec'],
      ['ReplicationController', 'default', 'rc-sa', 'spec.template.spec'],
    ]);
    expect(inventory.workloads[3]?.podMetadata.labels).toEqual({ a: 'b' });
  });

  it('warns about documents without kind, apiVersion or name, naming their line', () => {
    const inventory = inventoryFromYaml(
      'metadata: {name: x}\n---\nkind: ServiceAccount\nmetadata: {name: y}\n---\napiVersion: v1\nkind: Secret\nmetadata: {}\n',
    );
    expect(inventory.entries).toHaveLength(0);
    expect(inventory.notes.map((note) => [note.level, note.source?.line, note.message])).toEqual([
      ['warning', 1, 'skipped a document without `kind`: not a Kubernetes object'],
      ['warning', 3, 'skipped ServiceAccount without `apiVersion`'],
      ['warning', 6, 'skipped Secret without `metadata.name`'],
    ]);
  });

  it('takes the scope of custom resources from CRDs in the same input', () => {
    const inventory = inventoryFromYaml(
      `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: clusterthings.example.com}
spec: {group: example.com, scope: Cluster, names: {kind: ClusterThing, plural: clusterthings}}
---
apiVersion: example.com/v1
kind: ClusterThing
metadata: {name: a}
---
apiVersion: example.com/v1
kind: NamespacedThing
metadata: {name: b}
`,
      'team',
    );
    expect(inventory.entries.map((entry) => entry.ref.namespace)).toEqual([undefined, undefined, 'team']);
  });

  it('finds objects by identity, a later duplicate winning as with kubectl apply', () => {
    const inventory = inventoryFromYaml(`
apiVersion: v1
kind: ServiceAccount
metadata: {name: a, namespace: x}
automountServiceAccountToken: true
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: a, namespace: x}
automountServiceAccountToken: false
`);
    expect(inventory.findServiceAccount('x', 'a')?.object.automountServiceAccountToken).toBe(false);
    expect(inventory.findServiceAccount('y', 'a')).toBeUndefined();
    expect(inventory.namespaceNames()).toEqual(['x']);
  });
});
