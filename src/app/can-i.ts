import { rulesFor, type Identity } from '../rbac/authorize.js';
import type { AccessDecision, AccessRequest, RequestAttributes, SubjectRef } from '../rbac/types.js';
import { answerAccess, unreadRbac, type AccessAnswer } from '../rbac/unread-rbac.js';
import type { ClusterConnection } from '../sources/cluster/connect.js';
import type { CanIReport, RuleListReport } from '../report/can-i-report.js';
import { parseAccessTarget, targetWarnings } from './access-target.js';
import type { Outcome } from './outcome.js';
import { rbacModelFor, resourceTableFor } from './rbac-input.js';
import { rbacAnswerReport, unreadWarnings } from './rbac-unread.js';
import { readInput, requestNamespace, type InputOptions } from './read-input.js';

export interface CanIOptions {
  readonly input: InputOptions;
  /** Whose access is checked (--sa, or --as/--as-group). */
  readonly identity: Identity;
  /** The ServiceAccount the identity is, when it is one. */
  readonly serviceAccount: SubjectRef | null;
  readonly defaultRbac: boolean;
}

export interface CanIRequest extends CanIOptions {
  readonly verb: string;
  /** TYPE[.GROUP][/NAME] or a non-resource URL. */
  readonly target: string;
  readonly subresource?: string | undefined;
  /** Ask the live API server (a SubjectAccessReview) instead of the RBAC engine. */
  readonly server: boolean;
}

/**
 * --as/--as-group name whose access is checked (as in kubectl auth can-i), not whom to read the cluster
 * as: the RBAC objects are read with the kubeconfig's own credentials.
 */
function readingInput(input: InputOptions): InputOptions {
  return { ...input, cluster: { ...input.cluster, as: undefined, 'as-group': undefined } };
}

/** Yes or no, exactly as the RBAC authorizer (or, with `server`, the API server) decides: `kubectl sa can-i`. */
export async function canI(options: CanIRequest): Promise<Outcome<CanIReport>> {
  const input = readingInput(options.input);
  const answer = options.server
    ? { inventory: undefined, connection: await connectTo(input), model: undefined }
    : await readRbac(input, options.defaultRbac);
  const { inventory, connection, model } = answer;
  const target = parseAccessTarget(
    options.verb,
    options.target,
    {
      subresource: options.subresource,
      namespace: requestNamespace(input.cluster, connection),
      allNamespaces: input.cluster['all-namespaces'],
      unknownType: 'warn',
      scopeWarning: true,
    },
    // A non-resource URL needs no TYPE resolution, so no discovery request is sent for it.
    options.target.startsWith('/') ? [] : await resourceTableFor(inventory, connection),
  );
  const request = { ...options.identity, ...target.attributes };
  // The API server read everything it needed: its answer is yes or no.
  const decision: AccessAnswer = model ? answerAccess(model, request) : serverAnswer(await askServer(answer.connection, request));
  const { unread } = decision;
  const data: CanIReport = {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'AccessCheck',
    subject: { ...options.identity, serviceAccount: options.serviceAccount },
    request: target.attributes,
    allowed: decision.allowed,
    answer: decision.answer,
    reason: decision.reason,
    grants: decision.grants,
    unread,
    defaultRbac: model ? (model.defaultRbacVersion ?? null) : null,
  };
  if (!model || !inventory) return { data, notes: [], warnings: targetWarnings(target) };
  const why = unreadWarnings(
    unread,
    `may allow ${options.identity.user} to ${describeRequest(options, target.attributes)}: nothing read does, so the answer is unknown`,
  );
  return { data, ...rbacAnswerReport(model, inventory.notes, askedNamespace(input, connection), [...why, ...targetWarnings(target)]) };
}

function serverAnswer(decision: AccessDecision): AccessAnswer {
  return { ...decision, answer: decision.allowed ? 'yes' : 'no', unread: [] };
}

/** `create pods in namespace shop`, `get /metrics`, in the words the user typed. */
function describeRequest(options: CanIRequest, request: RequestAttributes): string {
  if ('nonResourceURL' in request) return `${request.verb} ${request.nonResourceURL}`;
  const subresource = options.subresource ? ` (subresource ${options.subresource})` : '';
  return `${request.verb} ${options.target}${subresource}${request.namespace ? ` in namespace ${request.namespace}` : ''}`;
}

/** Every rule the identity holds in the namespace (`''` with -A: cluster-wide grants only): `can-i --list`. */
export async function listRules(options: CanIOptions): Promise<Outcome<RuleListReport>> {
  const input = readingInput(options.input);
  const { inventory, connection, model } = await readRbac(input, options.defaultRbac);
  const namespace = input.cluster['all-namespaces'] ? '' : requestNamespace(input.cluster, connection);
  const unread = unreadRbac(model, namespace === '' ? 'none' : { namespace }, options.identity);
  const why = unreadWarnings(unread, `may grant ${options.identity.user} rules this list does not show`);
  return {
    data: {
      apiVersion: 'kubectl-sa.dev/v1',
      kind: 'RuleList',
      subject: options.identity,
      namespace,
      grants: rulesFor(model, options.identity, namespace),
      complete: unread.length === 0,
      unread,
    },
    ...rbacAnswerReport(model, inventory.notes, namespace || undefined, why),
  };
}

/** The namespace a question is about, for the warnings worth showing; undefined with -A. */
function askedNamespace(input: InputOptions, connection: ClusterConnection | undefined): string | undefined {
  return input.cluster['all-namespaces'] ? undefined : requestNamespace(input.cluster, connection);
}

async function readRbac(input: InputOptions, defaultRbac: boolean) {
  const { inventory, connection } = await readInput(input, { resources: 'rbac' });
  return { inventory, connection, model: rbacModelFor(inventory, { defaultRbac }) };
}

// can-i --server asks the API server: the cluster client loads only on that path.
async function connectTo(input: InputOptions): Promise<ClusterConnection> {
  const { connectCluster } = await import('../sources/cluster/connect.js');
  return connectCluster(input.cluster, input.env, { progress: input.progress });
}

async function askServer(connection: ClusterConnection | undefined, request: AccessRequest): Promise<AccessDecision> {
  if (!connection) throw new Error('can-i --server without a cluster connection');
  const { askApiServer } = await import('../sources/cluster/subject-access-review.js');
  return askApiServer(connection.client, request);
}
