import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildWithProgress, requireGo } from '../apiserver/build-with-progress.js';
import { startControlPlane } from '../apiserver/controlplane.js';

export interface LiveCluster {
  /** Admin (system:masters) kubeconfig. */
  readonly kubeconfigPath: string;
  /** `admin` plus one kubeconfig per test user (alice in group dev-team, bob). */
  readonly kubeconfigs: Readonly<Record<string, string>>;
  readonly server: string;
  readonly caFile: string;
  readonly tokens: Readonly<Record<string, string>>;
  readonly auditLogPath: string | undefined;
}

declare module 'vitest' {
  export interface ProvidedContext {
    liveCluster: LiveCluster;
  }
}

const apiserverDir = path.resolve(fileURLToPath(new URL('../apiserver', import.meta.url)));

/**
 * Starts one real control plane (etcd, kube-apiserver, kube-controller-manager) for the whole live
 * suite, building the binaries first if needed (a no-op when they are current). Any failure here
 * fails the run loudly: the live suite is never skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!process.env.KUBECTL_SA_TEST_KUBECONFIG) {
    requireGo();
    await buildWithProgress('bash', [path.join(apiserverDir, 'scripts', 'build.sh')]);
  }
  const controlPlane = await startControlPlane();
  project.provide('liveCluster', {
    kubeconfigPath: controlPlane.kubeconfigPath,
    kubeconfigs: controlPlane.kubeconfigs,
    server: controlPlane.server,
    caFile: controlPlane.caFile,
    tokens: controlPlane.tokens,
    auditLogPath: controlPlane.auditLogPath,
  });
  return () => controlPlane.stop();
}
