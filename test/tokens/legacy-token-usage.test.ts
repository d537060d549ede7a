import { describe, expect, it } from 'vitest';
import { legacyTokenUsage } from '../../src/tokens/legacy-token-usage.js';
import { inventoryFromYaml } from '../helpers/inventory.js';

/** A pod spec as a flow mapping, so it reads the same at any indentation. */
const podSpec = (volumes: string) => `{ serviceAccountName: web, containers: [{ name: app, image: app }], volumes: ${volumes} }`;
const webTokenVolume = '[{ name: tok, secret: { secretName: web-token } }]';

/** A pod or ReplicaSet (with `template`) in prod, controlled by `owner`. */
const owned = (kind: 'Pod' | 'ReplicaSet', name: string, owner: { kind: string; name: string; uid: string }, volumes: string, uid = '') => `
apiVersion: ${kind === 'Pod' ? 'v1' : 'apps/v1'}
kind: ${kind}
metadata: { name: ${name}, namespace: prod, uid: "${uid}", ownerReferences: [{ kind: ${owner.kind}, name: ${owner.name}, uid: ${owner.uid}, controller: true }] }
spec: ${kind === 'Pod' ? podSpec(volumes) : `{ template: { spec: ${podSpec(volumes)} } }`}`;
const api = { kind: 'Deployment', name: 'api', uid: 'd1' };
const apiReplicaSet = { kind: 'ReplicaSet', name: 'api-1', uid: 'r1' };

/** What a live read returns (uids, owner references, labels), Pods beside their owners. */
const cluster = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: prod, uid: sa-web }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: recreated, namespace: prod, uid: sa-new }
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: web-token
  namespace: prod
  uid: s1
  creationTimestamp: "2024-01-01T00:00:00Z"
  annotations: { kubernetes.io/service-account.name: web, kubernetes.io/service-account.uid: sa-web }
  labels: { kubernetes.io/legacy-token-last-used: "2026-02-27" }
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: idle-token
  namespace: prod
  uid: s2
  annotations: { kubernetes.io/service-account.name: gone }
  labels: { kubernetes.io/legacy-token-invalid-since: "2026-01-02" }
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: stale-token
  namespace: prod
  uid: s3
  annotations: { kubernetes.io/service-account.name: recreated, kubernetes.io/service-account.uid: sa-old }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: prod, uid: d1 }
spec:
  template:
    spec: ${podSpec(webTokenVolume)}
---${owned('ReplicaSet', 'api-1', api, webTokenVolume, 'r1')}
---${owned('ReplicaSet', 'api-0', api, '[{ name: old, secret: { secretName: stale-token } }]', 'r0')}
---${owned('Pod', 'api-1-a', apiReplicaSet, webTokenVolume)}
---${owned('Pod', 'api-1-b', apiReplicaSet, webTokenVolume)}
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: backup, namespace: prod, uid: c1 }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: b
              env: [{ name: TOKEN, valueFrom: { secretKeyRef: { name: web-token, key: token } } }]
---
apiVersion: v1
kind: Pod
metadata:
  name: orphan-x
  namespace: prod
  ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: unread-rs, uid: r9, controller: true }]
spec: ${podSpec('[{ name: tok, projected: { sources: [{ secret: { name: web-token } }] } }]')}
---
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: staging }
spec: ${podSpec('[{ name: tok, secret: { secretName: web-token } }]')}
`;

describe('legacyTokenUsage', () => {
  const inventory = inventoryFromYaml(cluster);
  const usage = (complete = true) =>
    legacyTokenUsage(inventory, inventory.secrets, { workloadsComplete: complete, serviceAccountsRead: true });

  it('names each workload that reads a token, at the top of its owners, with its pods and how it reads it', () => {
    const web = usage().find((item) => item.name === 'web-token');
    expect(web).toMatchObject({
      usage: 'in-use',
      lastUsed: '2026-02-27',
      invalidSince: null,
      serviceAccount: { name: 'web', exists: true, recreated: false },
    });
    expect(web?.users.map((user) => ({ user: `${user.kind}/${user.name}`, pods: user.pods, template: user.template }))).toEqual([
      { user: 'CronJob/backup', pods: [], template: true },
      { user: 'Deployment/api', pods: ['api-1-a', 'api-1-b'], template: true },
      // Its ReplicaSet was not read: the pod is still attributed, to the owner it names.
      { user: 'ReplicaSet/unread-rs', pods: ['orphan-x'], template: false },
    ]);
    expect(web?.users.find((user) => user.kind === 'CronJob')?.references).toEqual([
      { secretName: 'web-token', via: 'env', volume: null, container: 'b', env: 'TOKEN' },
    ]);
  });

  it('only counts Secrets of the same namespace: a pod in staging does not use prod/web-token', () => {
    expect(
      usage()
        .find((item) => item.name === 'web-token')
        ?.users.some((user) => user.name === 'debug'),
    ).toBe(false);
  });

  it("leaves an old ReplicaSet's template to its Deployment: a Secret only history names is unused", () => {
    expect(usage().find((item) => item.name === 'stale-token')).toMatchObject({
      usage: 'unused',
      users: [],
      serviceAccount: { recreated: true },
    });
  });

  it('says unused only when every workload kind was read; otherwise unknown', () => {
    expect(usage().find((item) => item.name === 'idle-token')).toMatchObject({
      usage: 'unused',
      invalidSince: '2026-01-02',
      serviceAccount: { name: 'gone', exists: false, recreated: null },
    });
    expect(usage(false).find((item) => item.name === 'idle-token')?.usage).toBe('unknown');
    expect(usage(false).find((item) => item.name === 'web-token')?.usage).toBe('in-use');
  });

  it('sorts by namespace and name', () => {
    expect(usage().map((item) => item.name)).toEqual(['idle-token', 'stale-token', 'web-token']);
  });
});
