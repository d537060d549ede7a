import { UsageError } from '../errors/kubectl-sa-error.js';
import type { Inventory } from '../inventory/inventory.js';
import { isWorkloadKind } from '../inventory/workloads.js';
import { fixContextOf, renderFixCreates, renderFixPatch } from '../fixes/fix-template.js';
import { formatPointer } from '../fixes/json-patch.js';
import { labelOf, type FixReason, type FixRequest, type SkippedFix } from '../fixes/plan.js';
import type { CompiledFix } from '../policy/compile-pack.js';
import { TargetDocuments, type TargetDocument } from '../policy/derived/target-documents.js';
import type { ServiceAccountProfileDocument } from '../policy/derived/service-account-profile.js';
import type { WorkloadDocument } from '../policy/derived/workload-document.js';
import { loadPolicies, type LoadPoliciesOptions } from './load-policies.js';
import type { KubeObject } from '../inventory/kube-object.js';
import { resolveResourceType } from '../rbac/resource-table.js';
import { compileRiskFacts } from '../rbac/risk-facts.js';
import { loadApiResources } from '../sources/kube-data.js';
import { planRequests, type FixPlanResult } from './fix.js';
import { clusterWriterFor, controllerChain } from './fix-live.js';
import { refOf } from '../fixes/cluster-writer.js';
import { fixesOf } from '../policy/fix-index.js';
import type { Outcome, Warning } from './outcome.js';
import type { RbacView } from '../policy/derived/scan-context.js';
import { rbacViewFor } from './rbac-input.js';
import { readInput, type InputOptions } from './read-input.js';

export interface TargetedFixOptions {
  readonly input: InputOptions;
  /** Where the fixes are defined: the built-in packs, plus --policy packs. */
  readonly policies: LoadPoliciesOptions;
  readonly defaultRbac: boolean;
  readonly now: Date;
}

interface Prepared {
  readonly inventory: Inventory;
  readonly connection: Awaited<ReturnType<typeof readInput>>['connection'];
  readonly documents: TargetDocuments;
  readonly fix: (id: string) => CompiledFix;
  readonly warnings: readonly Warning[];
  readonly rbac: RbacView;
}

async function prepare(options: TargetedFixOptions): Promise<Prepared> {
  const { packs, facts } = await loadPolicies(options.policies);
  const fixes = fixesOf(packs);
  const { inventory, connection } = await readInput({ ...options.input, requireNamespace: true });
  const rbac = rbacViewFor(inventory, { defaultRbac: options.defaultRbac, riskFacts: compileRiskFacts(facts) });
  const documents = new TargetDocuments(inventory, { now: options.now, rbac: rbac.view });
  const fix = (id: string) => {
    const found = fixes.get(id);
    if (!found)
      throw new UsageError(`no loaded pack defines fix ${id}`, { hint: 'it is built in: do not combine this command with --no-builtin' });
    return found;
  };
  return { inventory, connection, documents, fix, warnings: rbac.warnings, rbac: rbac.view };
}

function request(fix: CompiledFix, target: TargetDocument, reason: Omit<FixReason, 'fixId' | 'title'>): FixRequest {
  const context = fixContextOf(target.document);
  const creates = renderFixCreates(fix, context) as unknown as KubeObject[];
  return {
    object: target.object,
    reason: { ...reason, fixId: fix.id, title: fix.spec.title },
    patch: renderFixPatch(fix, context),
    ...(creates.length > 0 ? { creates } : {}),
  };
}

/** An explicit pod-level `automountServiceAccountToken: true` for a workload whose token must survive a ServiceAccount opting out. */
function optIn(target: TargetDocument, reason: Omit<FixReason, 'fixId' | 'title'>): FixRequest {
  const document = target.document as WorkloadDocument;
  return {
    object: target.object,
    reason: { ...reason, fixId: 'pod-automount-opt-in', title: 'opt the pods in to a token explicitly: the workload needs the API' },
    patch: [
      {
        op: 'add',
        path: `${formatPointer(document.podSpecPath === '' ? [] : document.podSpecPath.split('.'))}/automountServiceAccountToken`,
        value: true,
      },
    ],
  };
}

/** The ServiceAccount holds permissions its pods may use, or is federated to a cloud identity that needs the token. */
function needsToken(serviceAccount: WorkloadDocument['serviceAccount']): boolean {
  return serviceAccount.rbacBaselineOnly === false || serviceAccount.workloadIdentity.length > 0;
}

/** -n, else the context's namespace on a live cluster, else `default`, as kubectl resolves NAME. */
const namespaceOf = (options: { readonly namespace?: string | undefined }, prepared: Prepared) =>
  options.namespace ?? prepared.connection?.defaultNamespace ?? 'default';

const workloadsOf = (prepared: Prepared) => prepared.documents.documentsFor('Workload');

/** The plan of the requests; `through` says how the workload fixed was reached from the object named. */
async function finish(
  prepared: Prepared,
  requests: FixRequest[],
  skipped: SkippedFix[],
  through?: string,
): Promise<Outcome<FixPlanResult>> {
  const result = await planRequests(requests, prepared.inventory, prepared.connection, skipped, prepared.rbac);
  return {
    data: { ...result, withoutFix: [] },
    notes: prepared.inventory.notes,
    warnings: [...prepared.warnings, ...(through ? [{ message: through }] : [])],
  };
}

/**
 * `kubectl sa fix default-sa`: `automountServiceAccountToken: false` on every `default` ServiceAccount in
 * scope (files: the ones declared, narrowed by -n; a cluster: the namespace read, or all with -A). When a
 * default ServiceAccount holds permissions, the planner opts the workloads running as it in explicitly
 * (automountOptOutRequests), so the fix takes no token a workload uses.
 */
export async function planDefaultSa(
  options: TargetedFixOptions & { readonly namespace?: string | undefined },
): Promise<Outcome<FixPlanResult>> {
  const prepared = await prepare(options);
  const fix = prepared.fix('default-sa-no-automount');
  const requests: FixRequest[] = [];
  const skipped: SkippedFix[] = [];
  const profiles = prepared.documents
    .documentsFor('ServiceAccountProfile')
    .filter((target) => (target.document as ServiceAccountProfileDocument).isDefault)
    .filter((target) => options.namespace === undefined || target.object.namespace === options.namespace);
  for (const target of profiles) {
    const profile = target.document as ServiceAccountProfileDocument;
    const reason = { ruleId: 'SA001', message: `ServiceAccount ${target.object.namespace}/default` };
    if (profile.implicit) {
      if (profile.workloads.length > 0)
        skipped.push({
          object: target.object,
          source: undefined,
          reasons: [{ ...reason, fixId: fix.id, title: fix.spec.title }],
          reason: `ServiceAccount ${target.object.namespace}/default is not in the input (the control plane creates it): declare it in your manifests to fix it there, or fix the live cluster`,
        });
      continue;
    }
    requests.push(request(fix, target, reason));
  }
  return finish(prepared, requests, skipped);
}

/** `KIND/NAME` as kubectl takes it (`deploy/web`, `cronjobs.batch/nightly`, `sa/builder`), in a namespace. */
interface ObjectArgument {
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly namespace: string;
  readonly name: string;
}

export function parseObjectArgument(argument: string, namespace: string): ObjectArgument {
  const slash = argument.indexOf('/');
  if (slash <= 0 || slash === argument.length - 1)
    throw new UsageError(`expected KIND/NAME, got ${JSON.stringify(argument)}`, {
      hint: 'for example deploy/web, cronjob/nightly or sa/builder',
    });
  const type = argument.slice(0, slash);
  const resource = resolveResourceType(type, loadApiResources().resources);
  if (!resource)
    throw new UsageError(`the server doesn't have a resource type ${JSON.stringify(type)}`, {
      hint: 'for example deploy/web or sa/builder',
    });
  return { kind: resource.kind, group: resource.group, version: resource.version, namespace, name: argument.slice(slash + 1) };
}

function lookupTarget(prepared: Prepared, target: ObjectArgument, kindOfTarget: string): TargetDocument | undefined {
  return prepared.documents
    .documentsFor(kindOfTarget)
    .find(
      (candidate) =>
        candidate.object.kind === target.kind &&
        candidate.object.name === target.name &&
        candidate.object.namespace === target.namespace &&
        (candidate.object.apiVersion.includes('/') ? candidate.object.apiVersion.split('/')[0] : '') === target.group,
    );
}

function notInInput(prepared: Prepared, target: ObjectArgument): UsageError {
  return new UsageError(`${target.kind} ${target.namespace}/${target.name} is not in the input`, {
    hint:
      prepared.inventory.origin === 'files'
        ? 'check -f and -n (objects without a namespace are in -n, else default)'
        : 'check -n and --context',
  });
}

function findTarget(prepared: Prepared, target: ObjectArgument, kindOfTarget: string): TargetDocument {
  const found = lookupTarget(prepared, target, kindOfTarget);
  if (!found) throw notInInput(prepared, target);
  return found;
}

/** A workload to fix, and when it was reached through the controllers of the object named, how. */
interface WorkloadTarget {
  readonly target: TargetDocument;
  readonly through?: string | undefined;
}

/**
 * The workload KIND/NAME names. On a cluster, a Pod, ReplicaSet or Job a controller owns is not read on its
 * own (it is judged through its controller), and a change to it would be undone by that controller at once:
 * it is read, its controllers followed up to the top one, and that one's pod template is what gets fixed.
 */
async function findWorkloadTarget(prepared: Prepared, wanted: ObjectArgument): Promise<WorkloadTarget> {
  const found = lookupTarget(prepared, wanted, 'Workload');
  if (found) return { target: found };
  if (!prepared.connection) throw notInInput(prepared, wanted);
  const writer = await clusterWriterFor(prepared.connection);
  const ref = { apiVersion: wanted.group === '' ? wanted.version : `${wanted.group}/${wanted.version}`, ...wanted };
  const object = await writer.get({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name });
  const chain = object ? await controllerChain(object, writer) : [];
  const top = chain[chain.length - 1];
  if (!top) throw notInInput(prepared, wanted);
  const topRef = refOf(top);
  const through = `${labelOf(ref)} is controlled by ${chain.map((owner) => labelOf(refOf(owner))).join(', controlled by ')}`;
  const topTarget = lookupTarget(
    prepared,
    {
      ...topRef,
      group: topRef.apiVersion.includes('/') ? (topRef.apiVersion.split('/')[0] ?? '') : '',
      version: '',
      namespace: wanted.namespace,
    },
    'Workload',
  );
  if (!topTarget)
    throw new UsageError(
      `${through}, which has no pod template kubectl-sa can change: fix it there (a change to the ${wanted.kind} would be undone)`,
    );
  return { target: topTarget, through: `${through}: fixing its pod template` };
}

/**
 * `kubectl sa fix automount WORKLOAD|SA`. A workload whose ServiceAccount has no use for a token (no
 * permissions beyond every identity's, no cloud identity) is opted out in its pod template; one whose
 * ServiceAccount opts out although it holds permissions is opted in explicitly (it needs the API). A
 * ServiceAccount none of whose pods need a token is opted out itself; one holding permissions is left as
 * it is, and said why.
 */
export async function planAutomount(
  options: TargetedFixOptions & { readonly target: string; readonly namespace?: string | undefined },
): Promise<Outcome<FixPlanResult>> {
  parseObjectArgument(options.target, '');
  const prepared = await prepare(options);
  const wanted = parseObjectArgument(options.target, namespaceOf(options, prepared));
  const requests: FixRequest[] = [];
  const skipped: SkippedFix[] = [];
  if (wanted.kind === 'ServiceAccount' && wanted.group === '') {
    const target = findTarget(prepared, wanted, 'ServiceAccountProfile');
    const profile = target.document as ServiceAccountProfileDocument;
    const fix = prepared.fix('default-sa-no-automount');
    const reason = { ruleId: 'SA003', message: `ServiceAccount ${target.object.namespace}/${target.object.name}` };
    if (profile.rbac.baselineOnly === false || profile.workloadIdentity.length > 0) {
      skipped.push({
        object: target.object,
        source: target.source,
        reasons: [{ ...reason, fixId: fix.id, title: fix.spec.title }],
        reason: `ServiceAccount ${target.object.namespace}/${target.object.name} ${profile.rbac.baselineOnly === false ? 'holds permissions' : 'is federated to a cloud identity'}: its pods may need the token; opt single workloads out with kubectl sa fix automount KIND/NAME`,
      });
    } else if (profile.implicit) {
      skipped.push({
        object: target.object,
        source: undefined,
        reasons: [{ ...reason, fixId: fix.id, title: fix.spec.title }],
        reason: 'not in the input (the control plane creates it)',
      });
    } else requests.push(request(fix, target, reason));
    return finish(prepared, requests, skipped);
  }
  if (!isWorkloadKind(wanted.group === '' ? 'v1' : `${wanted.group}/v1`, wanted.kind))
    throw new UsageError(
      `${wanted.kind} has no pod template: fix automount takes a workload (deploy/NAME, cronjob/NAME…) or a ServiceAccount (sa/NAME)`,
    );
  const { target, through } = await findWorkloadTarget(prepared, wanted);
  const document = target.document as WorkloadDocument;
  const reason = { ruleId: 'SA003', message: through ?? `${target.object.kind} ${target.object.namespace}/${target.object.name}` };
  if (!needsToken(document.serviceAccount)) {
    requests.push(request(prepared.fix('workload-no-automount'), target, reason));
  } else if (!document.automount.mounted && document.projectedTokens.length === 0) {
    requests.push(optIn(target, reason));
  } else {
    skipped.push({
      object: target.object,
      source: target.source,
      reasons: [{ ...reason, fixId: 'workload-no-automount', title: 'leave the token: the workload needs the API' }],
      reason: `ServiceAccount ${document.serviceAccount.namespace}/${document.serviceAccount.name} ${document.serviceAccount.rbacBaselineOnly === false ? 'holds permissions' : 'is federated to a cloud identity'} and the pods get a token: already as it should be`,
    });
  }
  return finish(prepared, requests, skipped, through);
}

/**
 * `kubectl sa fix dedicated-sa KIND/NAME`: a ServiceAccount of the workload's own (named after it, or
 * --name), automount off, the workload pointed at it, and the bindings of its old ServiceAccount extended
 * to the new one (the planner's ServiceAccount move), as one plan. A name already taken by a ServiceAccount
 * other workloads run as is refused: it would not be dedicated.
 */
export async function planDedicatedSa(
  options: TargetedFixOptions & { readonly target: string; readonly namespace?: string | undefined; readonly name?: string | undefined },
): Promise<Outcome<FixPlanResult>> {
  parseObjectArgument(options.target, '');
  const prepared = await prepare(options);
  const wanted = parseObjectArgument(options.target, namespaceOf(options, prepared));
  if (!isWorkloadKind(wanted.group === '' ? 'v1' : `${wanted.group}/v1`, wanted.kind))
    throw new UsageError(`${wanted.kind} has no pod template: fix dedicated-sa takes a workload (deploy/NAME, cronjob/NAME…)`);
  const { target, through } = await findWorkloadTarget(prepared, wanted);
  const document = target.document as WorkloadDocument;
  const name = options.name ?? target.object.name;
  const sharers = workloadsOf(prepared).filter((other) => {
    const otherDocument = other.document as WorkloadDocument;
    return other !== target && otherDocument.object.namespace === document.object.namespace && otherDocument.serviceAccount.name === name;
  });
  if (sharers.length > 0) {
    throw new UsageError(
      `ServiceAccount ${document.object.namespace}/${name} is already used by ${sharers.map((other) => `${other.object.kind} ${other.object.name}`).join(', ')}: it would not be dedicated`,
      { hint: 'choose another name with --name' },
    );
  }
  const context = { ...(document as unknown as Record<string, unknown>), object: { ...document.object, name } };
  const fix = prepared.fix('dedicated-service-account');
  const rendered = request(
    fix,
    { ...target, document: context },
    { ruleId: 'SA002', message: through ?? `${target.object.kind} ${target.object.namespace}/${target.object.name}` },
  );
  return finish(prepared, [{ ...rendered, object: target.object }], [], through);
}
