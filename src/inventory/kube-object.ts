/**
 * The shapes of the Kubernetes objects the engines read. Manifests are untrusted input, so every field
 * is optional and readonly: code that reads them must cope with anything a user's YAML can hold.
 */

export interface ObjectMeta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly creationTimestamp?: string;
  readonly ownerReferences?: readonly OwnerReference[];
}

export interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly controller?: boolean;
}

/** Any Kubernetes object: apiVersion, kind and metadata are known, the rest is open. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

export interface ObjectReference {
  readonly name?: string;
  readonly namespace?: string;
  readonly kind?: string;
  readonly apiVersion?: string;
}

export interface ServiceAccount extends KubeObject {
  readonly automountServiceAccountToken?: boolean;
  readonly secrets?: readonly ObjectReference[];
  readonly imagePullSecrets?: readonly { readonly name?: string }[];
}

export interface Secret extends KubeObject {
  readonly type?: string;
  readonly data?: Readonly<Record<string, string>>;
  readonly stringData?: Readonly<Record<string, string>>;
}

export interface PolicyRule {
  readonly verbs?: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface LabelSelectorRequirement {
  readonly key?: string;
  readonly operator?: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface Role extends KubeObject {
  readonly rules?: readonly PolicyRule[] | null;
}

export interface ClusterRole extends Role {
  readonly aggregationRule?: { readonly clusterRoleSelectors?: readonly LabelSelector[] };
}

export interface Subject {
  readonly kind?: string;
  readonly apiGroup?: string;
  readonly name?: string;
  readonly namespace?: string;
}

export interface RoleRef {
  readonly apiGroup?: string;
  readonly kind?: string;
  readonly name?: string;
}

export interface RoleBinding extends KubeObject {
  readonly subjects?: readonly Subject[] | null;
  readonly roleRef?: RoleRef;
}

export interface EnvVar {
  readonly name?: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name?: string; readonly key?: string; readonly optional?: boolean };
    readonly configMapKeyRef?: { readonly name?: string; readonly key?: string };
    readonly fieldRef?: { readonly fieldPath?: string };
  };
}

export interface EnvFromSource {
  readonly prefix?: string;
  readonly secretRef?: { readonly name?: string };
  readonly configMapRef?: { readonly name?: string };
}

export interface VolumeMount {
  readonly name?: string;
  readonly mountPath?: string;
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly EnvFromSource[];
  readonly volumeMounts?: readonly VolumeMount[];
  readonly [field: string]: unknown;
}

export interface ServiceAccountTokenProjection {
  readonly audience?: string;
  readonly expirationSeconds?: number;
  readonly path?: string;
}

/** `items` of a Secret or ConfigMap volume: which key lands at which path. */
export interface KeyToPath {
  readonly key?: string;
  readonly path?: string;
  readonly mode?: number;
}

export interface VolumeProjection {
  readonly serviceAccountToken?: ServiceAccountTokenProjection;
  readonly secret?: { readonly name?: string; readonly items?: readonly KeyToPath[] };
  readonly configMap?: { readonly name?: string; readonly items?: readonly KeyToPath[] };
  readonly downwardAPI?: unknown;
}

export interface Volume {
  readonly name?: string;
  readonly secret?: {
    readonly secretName?: string;
    readonly optional?: boolean;
    readonly items?: readonly KeyToPath[];
    readonly defaultMode?: number;
  };
  readonly projected?: { readonly sources?: readonly VolumeProjection[]; readonly defaultMode?: number };
  readonly [field: string]: unknown;
}

export interface PodSpec {
  readonly serviceAccountName?: string;
  /** Deprecated alias of serviceAccountName; the API server still honours it when the other is empty. */
  readonly serviceAccount?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly ephemeralContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
  readonly nodeName?: string;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly [field: string]: unknown;
}

/**
 * Metadata without kubectl apply's `kubectl.kubernetes.io/last-applied-configuration` annotation: a second
 * copy of the object as it was applied (a Secret's with its values), never judged, printed or kept.
 */
export function withoutLastApplied(metadata: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(metadata.annotations) || !(lastAppliedAnnotation in metadata.annotations)) return metadata;
  const { [lastAppliedAnnotation]: _applied, ...annotations } = metadata.annotations;
  const { annotations: _all, ...rest } = metadata;
  // None left: no annotations at all, as an object never applied with kubectl has.
  return Object.keys(annotations).length > 0 ? { ...rest, annotations } : rest;
}

const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
