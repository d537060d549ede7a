/**
 * Whether a pod gets a ServiceAccount token mounted automatically. The pod's
 * `automountServiceAccountToken` wins whenever it is set; otherwise the ServiceAccount's; when neither
 * is set the token is mounted. This is the table in the Kubernetes docs (and our coverage checklist):
 *
 * | SA field  | pod field | result      |
 * |-----------|-----------|-------------|
 * | unset/true| unset     | mounted     |
 * | any       | true      | mounted     |
 * | any       | false     | not mounted |
 * | false     | unset     | not mounted |
 *
 * Several tools read only the SA field, or only the pod field; both are wrong in half the rows.
 */
export type AutomountDecidedBy = 'pod' | 'serviceAccount' | 'default' | 'unknown';

export interface AutomountDecision {
  /** Null only when decidedBy is `unknown`: the pod leaves it to a ServiceAccount that was not read. */
  readonly mounted: boolean | null;
  readonly decidedBy: AutomountDecidedBy;
  /** The pod spec's field; null when unset. */
  readonly pod: boolean | null;
  /** The ServiceAccount's field; null when unset or the ServiceAccount is not known. */
  readonly serviceAccount: boolean | null;
}

/** `serviceAccountKnown` false: the ServiceAccount was not read (a cluster list we may not do), so its field is unknown. */
export function effectiveAutomount(podField: unknown, serviceAccountField: unknown, serviceAccountKnown = true): AutomountDecision {
  // Anything but a boolean is not a value the API server would accept; treat it as unset.
  const pod = typeof podField === 'boolean' ? podField : null;
  const serviceAccount = typeof serviceAccountField === 'boolean' ? serviceAccountField : null;
  if (pod !== null) return { mounted: pod, decidedBy: 'pod', pod, serviceAccount };
  if (serviceAccount !== null) return { mounted: serviceAccount, decidedBy: 'serviceAccount', pod, serviceAccount };
  if (!serviceAccountKnown) return { mounted: null, decidedBy: 'unknown', pod, serviceAccount };
  return { mounted: true, decidedBy: 'default', pod, serviceAccount };
}
