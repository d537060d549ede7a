import type { Container, PodSpec } from './kube-object.js';
import { isRecord } from './kube-object.js';

/** Manifests are untrusted: a field that should be a list of objects may be anything. */
export function listOf<T>(value: readonly T[] | undefined): T[] {
  return Array.isArray(value) ? (value.filter(isRecord) as T[]) : [];
}

/** Init, regular and ephemeral containers: every one of them can read what the pod mounts. */
export function containersOf(podSpec: PodSpec): Container[] {
  return [...listOf(podSpec.initContainers), ...listOf(podSpec.containers), ...listOf(podSpec.ephemeralContainers)];
}

/** One place in a pod spec that names a Secret. */
export interface SecretReference {
  readonly secretName: string;
  readonly via: 'volume' | 'projected' | 'env' | 'envFrom';
  readonly volume: string | null;
  readonly container: string | null;
  readonly env: string | null;
}

/** Every Secret a pod spec reads: secret and projected volumes, env secretKeyRefs and envFrom secretRefs. */
export function secretReferencesIn(podSpec: PodSpec): SecretReference[] {
  const references: SecretReference[] = [];
  const add = (secretName: unknown, via: SecretReference['via'], where: { volume?: string; container?: string; env?: string }) => {
    if (typeof secretName !== 'string' || secretName === '') return;
    references.push({ secretName, via, volume: where.volume ?? null, container: where.container ?? null, env: where.env ?? null });
  };
  for (const volume of listOf(podSpec.volumes)) {
    const name = String(volume.name ?? '');
    add(volume.secret?.secretName, 'volume', { volume: name });
    for (const source of listOf(volume.projected?.sources)) add(source.secret?.name, 'projected', { volume: name });
  }
  for (const container of containersOf(podSpec)) {
    const containerName = String(container.name ?? '');
    for (const env of listOf(container.env)) {
      add(env.valueFrom?.secretKeyRef?.name, 'env', { container: containerName, env: String(env.name ?? '') });
    }
    for (const envFrom of listOf(container.envFrom)) add(envFrom.secretRef?.name, 'envFrom', { container: containerName });
  }
  return references;
}
