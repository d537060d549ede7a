/**
 * Cloud workload identity: annotations that federate a ServiceAccount to a cloud IAM identity, and the
 * static credentials that workload identity exists to replace.
 */
export const workloadIdentityAnnotations: Readonly<Record<string, string>> = {
  'eks.amazonaws.com/role-arn': 'aws',
  'iam.gke.io/gcp-service-account': 'gcp',
  'azure.workload.identity/client-id': 'azure',
};

/** Environment variables that carry long-lived cloud credentials (or point at a key file). */
export const staticCloudCredentialEnv: ReadonlySet<string> = new Set([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'AZURE_CLIENT_SECRET',
  'ARM_CLIENT_SECRET',
]);

export interface WorkloadIdentityAnnotation {
  readonly provider: string;
  readonly annotation: string;
  readonly value: string;
}

export function workloadIdentityOf(annotations: Readonly<Record<string, unknown>> | undefined): WorkloadIdentityAnnotation[] {
  if (!annotations) return [];
  return Object.entries(workloadIdentityAnnotations)
    .filter(([annotation]) => typeof annotations[annotation] === 'string' && annotations[annotation] !== '')
    .map(([annotation, provider]) => ({ provider, annotation, value: String(annotations[annotation]) }));
}
