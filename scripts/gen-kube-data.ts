// Writes the Kubernetes data kubectl-sa ships, from a real API server:
//
//   npm run gen:kube-data                                 starts the test harness's control plane
//                                                          (test/apiserver), writes data/, stops it
//   npx tsx scripts/gen-kube-data.ts --kubeconfig PATH    the same against any cluster you point it at
//   (add --out DIR to write elsewhere)
//
// data/default-rbac.json: the bootstrap RBAC (objects labelled kubernetes.io/bootstrapping=rbac-defaults);
// data/api-resources.json: the server's discovery. Both are read by the product's own code
// (src/sources/cluster/kube-data-snapshot.ts, discovery.ts; tsx runs them from the sources), so the data
// says exactly what the CLI sees on a live cluster, and
// test/live/kube-data.test.ts checks the shipped files against the server with the same functions.
// Output is sorted and stripped of server-set metadata, so regenerating from the same version diffs empty.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ApiClient } from '../src/sources/cluster/api-client.js';
import { snapshotApiResources, snapshotDefaultRbac } from '../src/sources/cluster/kube-data-snapshot.js';
import { loadKubeConfig } from '../src/sources/cluster/kubeconfig.js';

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

const out = arg('--out') ?? 'data';

function writeJson(file: string, value: unknown): void {
  writeFileSync(join(out, file), JSON.stringify(value, null, 1) + '\n');
  console.log(`wrote ${join(out, file)}`);
}

async function fromKubeconfig(kubeconfig: string): Promise<void> {
  const client = new ApiClient((await loadKubeConfig({ kubeconfig })).config);
  const [rbac, resources] = await Promise.all([snapshotDefaultRbac(client), snapshotApiResources(client)]);
  writeJson('default-rbac.json', rbac);
  writeJson('api-resources.json', resources);
  console.log(`Kubernetes ${rbac.kubernetesVersion}: update the version named in docs/rbac.md if it changed`);
}

const kubeconfig = arg('--kubeconfig');
if (process.argv.includes('--harness')) {
  // The harness needs its binaries: test/apiserver/scripts/build.sh (a no-op when they are current).
  const { startControlPlane } = await import('../test/apiserver/controlplane.js');
  const controlPlane = await startControlPlane();
  try {
    await fromKubeconfig(controlPlane.kubeconfigPath);
  } finally {
    await controlPlane.stop();
  }
} else if (kubeconfig) {
  await fromKubeconfig(kubeconfig);
} else {
  console.error('usage: node scripts/gen-kube-data.ts --harness | --kubeconfig PATH [--out DIR]');
  process.exitCode = 2;
}
