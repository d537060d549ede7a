import type { Workload } from '../../inventory/inventory.js';
import type { ObjectMeta, PodSpec, Volume } from '../../inventory/kube-object.js';
import { isRecord } from '../../inventory/kube-object.js';
import { containersOf, listOf, secretReferencesIn, type SecretReference } from '../../inventory/pod-spec.js';
import { effectiveAutomount, type AutomountDecidedBy, type AutomountDecision } from '../effective-automount.js';
import { staticCloudCredentialEnv, workloadIdentityOf, type WorkloadIdentityAnnotation } from './cloud-identity.js';
import { lazy } from './lazy.js';
import { legacyTokenType, type ScanContext } from './scan-context.js';

/** The default lifetime the API server gives a projected token that names none. */
export const defaultProjectedTokenSeconds = 3600;

export interface ProjectedTokenView {
  readonly volume: string;
  readonly audience: string | null;
  /** As written; null when unset. */
  readonly expirationSeconds: number | null;
  /** What the token will get: the written value or the API default (3600). */
  readonly effectiveExpirationSeconds: number;
  readonly path: string | null;
  /** JSON pointer of this serviceAccountToken projection inside the pod spec (fixes patch it there). */
  readonly pointer: string;
}

export interface SecretReferenceView extends SecretReference {
  /** The referenced Secret's type when it is in the inventory. */
  readonly secretType: string | null;
  readonly legacyToken: boolean;
}

export interface StaticCredentialView {
  readonly container: string;
  readonly env: string;
  readonly from: 'value' | 'secret';
}

/**
 * The `Workload` derived document (schema: policies/targets/workload.schema.json): one pod-bearing
 * object with its pod spec and everything a rule needs to judge its identity without looking elsewhere.
 */
export interface WorkloadDocument {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'Workload';
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly namespace: string; readonly name: string };
  readonly metadata: ObjectMeta;
  readonly podMetadata: ObjectMeta;
  readonly podSpec: PodSpec;
  /** Dotted path from the object root to the pod spec, e.g. `spec.template.spec`; empty for a Pod. */
  readonly podSpecPath: string;
  readonly serviceAccount: {
    readonly name: string;
    readonly namespace: string;
    readonly exists: boolean | null;
    readonly implicit: boolean;
    readonly isDefault: boolean;
    readonly automountServiceAccountToken: boolean | null;
    readonly annotations: Readonly<Record<string, string>>;
    readonly workloadIdentity: readonly WorkloadIdentityAnnotation[];
    /** From the RBAC engine: true when the SA holds nothing beyond what every authenticated identity holds; null when not evaluated. */
    readonly rbacBaselineOnly: boolean | null;
    /** How the pod spec chooses it, in the words of the file: "spec.template.spec.serviceAccountName is not set". */
    readonly chosenBy: string;
  };
  readonly automount: {
    /** Null when the pod leaves it to a ServiceAccount that was not read. */
    readonly mounted: boolean | null;
    readonly decidedBy: AutomountDecidedBy;
    readonly pod: boolean | null;
    readonly serviceAccount: boolean | null;
    /** The precedence decision in words, e.g. "spec.template.spec.automountServiceAccountToken is unset and …". */
    readonly reason: string;
  };
  /** True when any ServiceAccount token reaches the pod: automounted or through a projected volume; null when unknown. */
  readonly tokenMounted: boolean | null;
  readonly projectedTokens: readonly ProjectedTokenView[];
  /** Each projected token's lifetime in words: "volume vault-token: 86400 seconds (expirationSeconds)"; null when none. */
  readonly projectedTokenLifetimes: string | null;
  readonly secretReferences: readonly SecretReferenceView[];
  readonly legacyTokenReferences: readonly SecretReferenceView[];
  readonly legacyTokenSecretNames: readonly string[];
  readonly staticCloudCredentials: readonly StaticCredentialView[];
}

export function buildWorkloadDocument(workload: Workload, context: ScanContext): WorkloadDocument {
  const { namespace, serviceAccountName: saName, podSpec } = workload;
  const saEntry = context.findServiceAccount(namespace, saName);
  const sa = saEntry?.object;
  const automount = effectiveAutomount(
    podSpec.automountServiceAccountToken,
    sa?.automountServiceAccountToken,
    saEntry !== undefined || typeof podSpec.automountServiceAccountToken === 'boolean' || context.serviceAccountKnown(namespace, saName),
  );
  const projectedTokens = projectedTokensOf(podSpec);
  const secretReferences = secretReferencesOf(podSpec, namespace, context);
  const annotations = stringRecord(sa?.metadata.annotations);
  const podSpecPath = workload.podSpecPath.join('.');
  const legacyTokenReferences = secretReferences.filter((reference) => reference.legacyToken);
  const baselineOnly = lazy(() => context.baselineOnly(namespace, saName));
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'Workload',
    object: { apiVersion: workload.entry.ref.apiVersion, kind: workload.entry.ref.kind, namespace, name: workload.entry.ref.name },
    metadata: workload.entry.object.metadata,
    podMetadata: workload.podMetadata,
    podSpec,
    podSpecPath,
    serviceAccount: {
      name: saName,
      namespace,
      exists: context.serviceAccountExists(namespace, saName),
      implicit: saEntry === undefined && saName === 'default' && automount.decidedBy !== 'unknown',
      isDefault: saName === 'default',
      automountServiceAccountToken: automount.serviceAccount,
      annotations,
      workloadIdentity: workloadIdentityOf(annotations),
      // From the SA's grants, computed when a rule reads it (once per identity class, shared).
      get rbacBaselineOnly() {
        return baselineOnly();
      },
      chosenBy: chosenBy(podSpec, podSpecPath),
    },
    automount: { ...automount, reason: automountReason(automount, podSpecPath, `${namespace}/${saName}`, saEntry !== undefined) },
    tokenMounted: projectedTokens.length > 0 || automount.mounted,
    projectedTokens,
    projectedTokenLifetimes:
      projectedTokens.length === 0
        ? null
        : projectedTokens
            .map(
              (token) =>
                `volume ${token.volume}: ${token.effectiveExpirationSeconds} seconds${token.expirationSeconds === null ? ' (the API default, expirationSeconds unset)' : ''}`,
            )
            .join(', '),
    secretReferences,
    legacyTokenReferences,
    legacyTokenSecretNames: [...new Set(legacyTokenReferences.map((reference) => reference.secretName))],
    staticCloudCredentials: staticCredentialsOf(podSpec),
  };
}

/** Which field names the ServiceAccount, as the user's file has it (the deprecated serviceAccount alias too). */
function chosenBy(podSpec: PodSpec, podSpecPath: string): string {
  const prefix = podSpecPath === '' ? '' : `${podSpecPath}.`;
  if (typeof podSpec.serviceAccountName === 'string' && podSpec.serviceAccountName !== '')
    return `${prefix}serviceAccountName is ${JSON.stringify(podSpec.serviceAccountName)}`;
  if (typeof podSpec.serviceAccount === 'string' && podSpec.serviceAccount !== '')
    return `${prefix}serviceAccount (the deprecated alias) is ${JSON.stringify(podSpec.serviceAccount)}`;
  return `${prefix}serviceAccountName is not set`;
}

/** Says which row of the precedence table applied, in the words of the user's own file. */
function automountReason(decision: AutomountDecision, podSpecPath: string, serviceAccount: string, declared: boolean): string {
  const field = `${podSpecPath}.automountServiceAccountToken`;
  if (decision.decidedBy === 'pod') {
    const overrides =
      decision.serviceAccount === null ? '' : `, which overrides ServiceAccount ${serviceAccount}'s ${String(decision.serviceAccount)}`;
    return `${field} is ${String(decision.pod)}${overrides}`;
  }
  if (decision.decidedBy === 'serviceAccount')
    return `${field} is unset and ServiceAccount ${serviceAccount} sets it to ${String(decision.serviceAccount)}`;
  if (decision.decidedBy === 'unknown')
    return `${field} is unset and ServiceAccount ${serviceAccount} was not read, so whether a token is mounted is unknown`;
  const where = declared
    ? `ServiceAccount ${serviceAccount} does not set it to false`
    : `ServiceAccount ${serviceAccount} is not in the input, so nothing sets it to false`;
  return `${field} is unset and ${where}`;
}

/**
 * The volume the ServiceAccount admission plugin adds to every pod that automounts a token
 * (`kube-api-access-xxxxx`: a token with the magic lifetime 3607, the cluster CA and the namespace). It is
 * the automounted token itself, judged through `automount`; counting it as a user's projected token
 * would report every Pod read from a cluster (or from `kubectl get pod -o yaml`).
 */
const injectedVolumeName = /^kube-api-access-[a-z0-9]{5}$/;
const injectedTokenSeconds = 3607;

function isInjectedApiAccessVolume(volume: Volume): boolean {
  if (typeof volume.name !== 'string' || !injectedVolumeName.test(volume.name)) return false;
  const sources = listOf(volume.projected?.sources);
  const tokens = sources.filter((source) => isRecord(source.serviceAccountToken));
  const token = tokens[0]?.serviceAccountToken;
  return (
    tokens.length === 1 &&
    isRecord(token) &&
    token.expirationSeconds === injectedTokenSeconds &&
    token.path === 'token' &&
    token.audience === undefined &&
    sources.some((source) => isRecord(source.configMap) && source.configMap.name === 'kube-root-ca.crt')
  );
}

function projectedTokensOf(podSpec: PodSpec): ProjectedTokenView[] {
  const tokens: ProjectedTokenView[] = [];
  for (const [volumeIndex, volume] of listOf(podSpec.volumes).entries()) {
    if (isInjectedApiAccessVolume(volume)) continue;
    for (const [sourceIndex, source] of listOf(volume.projected?.sources).entries()) {
      const token = source.serviceAccountToken;
      if (!isRecord(token)) continue;
      const seconds = typeof token.expirationSeconds === 'number' ? token.expirationSeconds : null;
      tokens.push({
        volume: String(volume.name ?? ''),
        audience: typeof token.audience === 'string' ? token.audience : null,
        expirationSeconds: seconds,
        effectiveExpirationSeconds: seconds ?? defaultProjectedTokenSeconds,
        path: typeof token.path === 'string' ? token.path : null,
        pointer: `/volumes/${volumeIndex}/projected/sources/${sourceIndex}/serviceAccountToken`,
      });
    }
  }
  return tokens;
}

function secretReferencesOf(podSpec: PodSpec, namespace: string, context: ScanContext): SecretReferenceView[] {
  return secretReferencesIn(podSpec).map((reference) => {
    const secretType = context.findSecret(namespace, reference.secretName)?.object.type;
    return { ...reference, secretType: typeof secretType === 'string' ? secretType : null, legacyToken: secretType === legacyTokenType };
  });
}

function staticCredentialsOf(podSpec: PodSpec): StaticCredentialView[] {
  const found: StaticCredentialView[] = [];
  for (const container of containersOf(podSpec)) {
    for (const env of listOf(container.env)) {
      if (typeof env.name !== 'string' || !staticCloudCredentialEnv.has(env.name)) continue;
      const fromSecret = isRecord(env.valueFrom) && isRecord(env.valueFrom.secretKeyRef);
      if (!fromSecret && (typeof env.value !== 'string' || env.value === '')) continue;
      found.push({ container: String(container.name ?? ''), env: env.name, from: fromSecret ? 'secret' : 'value' });
    }
  }
  return found;
}

export function stringRecord(value: unknown): Readonly<Record<string, string>> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((pair): pair is [string, string] => typeof pair[1] === 'string'));
}
