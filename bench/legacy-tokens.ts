/**
 * `token legacy` and `--migrate` at scale: a synthetic live read of 50 namespaces, each with 200
 * ServiceAccounts, 200 legacy token Secrets, 100 Deployments (one ReplicaSet, two Pods each) mounting
 * half of them, and 20 CronJobs reading some through env — 10,000 ServiceAccounts, 10,000 Secrets and
 * 21,000 pod-bearing objects (BENCH_NAMESPACES scales it). Prints the time to build the inventory, find every Secret's readers
 * through their owners, and plan the migration, and the heap they leave.
 *
 *   npx tsx bench/legacy-tokens.ts
 */
import { buildInventory, type RawDocument } from '../src/inventory/inventory.js';
import { planLegacyTokenMigration } from '../src/tokens/legacy-migration-plan.js';
import { legacyTokenUsage } from '../src/tokens/legacy-token-usage.js';

const namespaces = Number(process.env.BENCH_NAMESPACES ?? 50);
const accountsPerNamespace = 200;
const deploymentsPerNamespace = 100;
const cronJobsPerNamespace = 20;

function generate(): RawDocument[] {
  const documents: RawDocument[] = [];
  const push = (value: unknown) => documents.push({ value });
  for (let n = 0; n < namespaces; n++) {
    const namespace = `team-${n}`;
    for (let a = 0; a < accountsPerNamespace; a++) {
      push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `sa-${a}`, namespace, uid: `sa-${n}-${a}` } });
      push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: `sa-${a}-token`,
          namespace,
          uid: `secret-${n}-${a}`,
          resourceVersion: '1',
          creationTimestamp: '2022-01-01T00:00:00Z',
          annotations: { 'kubernetes.io/service-account.name': `sa-${a}`, 'kubernetes.io/service-account.uid': `sa-${n}-${a}` },
          labels: a % 3 === 0 ? { 'kubernetes.io/legacy-token-last-used': '2026-01-01' } : {},
        },
      });
    }
    for (let d = 0; d < deploymentsPerNamespace; d++) {
      const template = {
        spec: {
          serviceAccountName: `sa-${d}`,
          containers: [
            { name: 'app', image: 'app', volumeMounts: [{ name: 'token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] },
          ],
          volumes: [{ name: 'token', secret: { secretName: `sa-${d}-token` } }],
        },
      };
      const deployment = `deploy-${n}-${d}`;
      const replicaSet = `rs-${n}-${d}`;
      push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `app-${d}`, namespace, uid: deployment, resourceVersion: '5' },
        spec: { template },
      });
      push({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `app-${d}-1`,
          namespace,
          uid: replicaSet,
          ownerReferences: [{ kind: 'Deployment', name: `app-${d}`, uid: deployment, controller: true }],
        },
        spec: { template },
      });
      for (let p = 0; p < 2; p++) {
        push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `app-${d}-1-${p}`,
            namespace,
            ownerReferences: [{ kind: 'ReplicaSet', name: `app-${d}-1`, uid: replicaSet, controller: true }],
          },
          spec: template.spec,
        });
      }
    }
    for (let c = 0; c < cronJobsPerNamespace; c++) {
      push({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: `job-${c}`, namespace, uid: `cron-${n}-${c}` },
        spec: {
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  serviceAccountName: `sa-${c}`,
                  containers: [
                    { name: 'job', env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: `sa-${c}-token`, key: 'token' } } }] },
                  ],
                },
              },
            },
          },
        },
      });
    }
  }
  return documents;
}

const time = <T>(body: () => T): [T, number] => {
  const start = performance.now();
  const value = body();
  return [value, performance.now() - start];
};

const documents = generate();
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const [inventory, buildMs] = time(() => buildInventory(documents, { defaultNamespace: 'default', origin: 'cluster' }));
const [items, usageMs] = time(() => legacyTokenUsage(inventory, inventory.secrets, { workloadsComplete: true, serviceAccountsRead: true }));
const [plan, planMs] = time(() => planLegacyTokenMigration(inventory, items, { unusedForDays: 30, now: new Date('2026-03-01T00:00:00Z') }));
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

console.log(
  `token legacy over ${documents.length} objects (${inventory.serviceAccounts.length} ServiceAccounts, ${inventory.secrets.length} token Secrets, ${inventory.workloads.length} pod-bearing objects)`,
);
console.log(`  build inventory:                  ${buildMs.toFixed(1)} ms`);
console.log(
  `  readers of every Secret (usage):  ${usageMs.toFixed(1)} ms (${items.filter((item) => item.usage === 'in-use').length} in use)`,
);
console.log(
  `  migration plan:                   ${planMs.toFixed(1)} ms (${plan.patches.length} patches, ${plan.manual.length} manual steps, ${plan.deletions.length} deletions, ${plan.kept.length} kept)`,
);
console.log(`  heap after (inventory, usage, plan): ${heapMb.toFixed(0)} MB`);
