/**
 * The one list of derived targets: the documents kubectl-sa builds across resources for rules to judge.
 * Each entry says what one document stands for, where its published schema is (policies/targets/), and
 * how a scan builds them; `policy show --targets` prints this list, the pack compiler checks `target`
 * against it, and message placeholders are checked against the schemas it names.
 */
import type { TargetDocument, TargetDocuments } from './target-documents.js';

export interface DerivedTargetDefinition {
  readonly name: string;
  /** What one document stands for, as a phrase: "pod-bearing object (Pod, Deployment …)". */
  readonly onePer: string;
  /** The file under policies/targets/ that documents it field by field. */
  readonly schemaFile: string;
  /** The object a finding names (the real object the user edits). */
  readonly findingNames: string;
  readonly build: (targets: TargetDocuments) => readonly TargetDocument[];
}

export const derivedTargetRegistry: readonly DerivedTargetDefinition[] = [
  {
    name: 'Workload',
    onePer: 'pod-bearing object (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob)',
    schemaFile: 'workload.schema.json',
    findingNames: 'the workload',
    build: (targets) => targets.workloadTargets(),
  },
  {
    name: 'ServiceAccountProfile',
    onePer:
      "ServiceAccount: declared, a namespace's implicit default, or named by bindings or workloads in a namespace the input does not show",
    schemaFile: 'service-account-profile.schema.json',
    findingNames: 'the ServiceAccount (an implicit one points at the first workload or binding that uses it)',
    build: (targets) => targets.serviceAccountProfiles(),
  },
  {
    name: 'Binding',
    onePer: 'RoleBinding or ClusterRoleBinding',
    schemaFile: 'binding.schema.json',
    findingNames: 'the binding',
    build: (targets) => targets.bindingTargets(),
  },
  {
    name: 'RoleProfile',
    onePer: 'Role or ClusterRole of the input',
    schemaFile: 'role-profile.schema.json',
    findingNames: 'the role',
    build: (targets) => targets.roleProfiles(),
  },
  {
    name: 'LegacyTokenSecret',
    onePer: 'Secret of type kubernetes.io/service-account-token',
    schemaFile: 'legacy-token-secret.schema.json',
    findingNames: 'the Secret',
    build: (targets) => targets.legacyTokenSecretTargets(),
  },
];

export const derivedTargets: readonly string[] = derivedTargetRegistry.map((definition) => definition.name);

export function derivedTarget(name: string): DerivedTargetDefinition | undefined {
  return derivedTargetRegistry.find((definition) => definition.name === name);
}

export function isDerivedTarget(target: string): boolean {
  return derivedTarget(target) !== undefined;
}
