/**
 * The parts of a Kubernetes audit event (audit.k8s.io/v1 `Event`, k8s.io/apiserver pkg/apis/audit/v1)
 * that usage analysis reads. The audit-log source decodes lines into these; everything else an event
 * carries (request and response bodies at RequestResponse level) is parsed and dropped.
 */

export interface AuditUserInfo {
  readonly username?: string;
  readonly groups?: readonly string[];
  /** `authentication.kubernetes.io/pod-name`, `…/node-name`, `…/credential-id` for bound tokens. */
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export interface AuditObjectReference {
  readonly resource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly apiGroup?: string;
  readonly subresource?: string;
}

export interface AuditEvent {
  readonly auditID?: string;
  /** RequestReceived, ResponseStarted, ResponseComplete or Panic. */
  readonly stage?: string;
  readonly verb?: string;
  readonly requestURI?: string;
  readonly user?: AuditUserInfo;
  readonly impersonatedUser?: AuditUserInfo;
  readonly sourceIPs?: readonly string[];
  readonly userAgent?: string;
  readonly objectRef?: AuditObjectReference;
  readonly responseStatus?: { readonly code?: number };
  readonly requestReceivedTimestamp?: string;
  readonly stageTimestamp?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Bodies, at RequestResponse level: never read, only dropped. */
  readonly requestObject?: unknown;
  readonly responseObject?: unknown;
  /**
   * Set when the reader took only the auditID, stage, verb and timestamps of a stage before the last:
   * the whole event, parsed when it is needed (its final stage never came).
   */
  readonly complete?: () => AuditEvent;
}

/**
 * Whether nothing more is logged for a request after this stage (ResponseComplete, Panic). Compared, not
 * looked up in a set: a stage parsed from a line is a fresh string, and hashing it costs more.
 */
export function isFinalStage(stage: string | undefined): boolean {
  return stage === 'ResponseComplete' || stage === 'Panic';
}
