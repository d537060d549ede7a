import type { KubeObject, ObjectMeta, PodSpec } from './kube-object.js';
import { isRecord } from './kube-object.js';
import { groupOf } from './object-scope.js';

/** Where each pod-bearing kind keeps its pod template, as a path of field names. */
const podTemplatePaths: Readonly<Record<string, { groups: readonly string[]; path: readonly string[] }>> = {
  Pod: { groups: [''], path: [] },
  Deployment: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  StatefulSet: { groups: ['apps'], path: ['spec', 'template'] },
  DaemonSet: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  ReplicaSet: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  ReplicationController: { groups: [''], path: ['spec', 'template'] },
  Job: { groups: ['batch'], path: ['spec', 'template'] },
  CronJob: { groups: ['batch'], path: ['spec', 'jobTemplate', 'spec', 'template'] },
};

export const workloadKinds: readonly string[] = Object.keys(podTemplatePaths);

/** A pod-bearing object seen through its pod template: what every workload rule actually judges. */
export interface PodTemplateView {
  /** The template's metadata (for a Pod, the Pod's own). */
  readonly podMetadata: ObjectMeta;
  readonly podSpec: PodSpec;
  /** Field path from the object root to the pod spec, e.g. ["spec","template","spec"]: fixes and messages use it. */
  readonly podSpecPath: readonly string[];
}

export function isWorkloadKind(apiVersion: string, kind: string): boolean {
  const entry = podTemplatePaths[kind];
  return entry !== undefined && entry.groups.includes(groupOf(apiVersion));
}

/** Finds the pod template of a pod-bearing object; undefined when the kind is not one or it has none. */
export function podTemplateOf(object: KubeObject): PodTemplateView | undefined {
  const entry = podTemplatePaths[object.kind];
  if (!entry || !entry.groups.includes(groupOf(object.apiVersion))) return undefined;
  let template: unknown = object;
  for (const field of entry.path) {
    template = isRecord(template) ? template[field] : undefined;
  }
  if (!isRecord(template)) return undefined;
  const spec = template.spec;
  const metadata = template.metadata;
  return {
    podMetadata: isRecord(metadata) ? (metadata as ObjectMeta) : {},
    podSpec: isRecord(spec) ? (spec as PodSpec) : {},
    podSpecPath: [...entry.path, 'spec'],
  };
}

/**
 * The ServiceAccount a pod runs as. The API server fills serviceAccountName from the deprecated
 * serviceAccount field when only that is set, and admission uses `default` when neither is.
 */
export function serviceAccountNameOf(podSpec: PodSpec): string {
  if (typeof podSpec.serviceAccountName === 'string' && podSpec.serviceAccountName !== '') return podSpec.serviceAccountName;
  if (typeof podSpec.serviceAccount === 'string' && podSpec.serviceAccount !== '') return podSpec.serviceAccount;
  return 'default';
}
