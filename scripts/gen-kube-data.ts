// Writes the Kubernetes data kubectl-sa ships, from a real API server or (until one is at hand) from the
// bootstrap-policy testdata in the corpus:
//
//   node scripts/gen-kube-data.ts --kubeconfig PATH [--out data]   discovery → data/api-resources.json,
//                                                                   bootstrap RBAC → data/default-rbac.json
//   node scripts/gen-kube-data.ts --from-corpus DIR [--out data]    bootstrap RBAC YAML → data/default-rbac.json
//
// It talks to the server through `kubectl get --raw`, so it needs nothing but kubectl and a kubeconfig.
// Output is sorted and stripped of server-set metadata, so regenerating from the same version diffs empty.
// (Node >= 23.6 runs this .ts file as it is; Node 22 needs --experimental-strip-types.)

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';

type Json = Record<string, unknown>;

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

const out = arg('--out') ?? 'data';
const kubeconfig = arg('--kubeconfig');
const corpus = arg('--from-corpus');

function raw(path: string): Json {
  const text = execFileSync('kubectl', [`--kubeconfig=${kubeconfig}`, 'get', '--raw', path], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(text) as Json;
}

const byName = (a: Json, b: Json): number => {
  const key = (o: Json) => {
    const m = (o.metadata ?? {}) as Json;
    return `${String(m.namespace ?? '')}/${String(m.name ?? '')}`;
  };
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
};

/** Keeps what RBAC evaluation reads: name, namespace, labels (aggregation selects on them), the spec fields. */
function clean(object: Json, kind: string): Json {
  const metadata = (object.metadata ?? {}) as Json;
  const kept: Json = { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: metadata.name } };
  if (metadata.namespace) (kept.metadata as Json).namespace = metadata.namespace;
  if (metadata.labels) (kept.metadata as Json).labels = metadata.labels;
  for (const field of ['aggregationRule', 'rules', 'roleRef', 'subjects']) {
    if (object[field] !== undefined && object[field] !== null) kept[field] = object[field];
  }
  if ((kind === 'ClusterRole' || kind === 'Role') && kept.rules === undefined) kept.rules = [];
  return kept;
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(join(out, file), JSON.stringify(value, null, 1) + '\n');
  console.log(`wrote ${join(out, file)}`);
}

function defaultRbacFrom(objects: readonly Json[], kubernetesVersion: string, source: string): Json {
  const of = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => clean(o, kind)).sort(byName);
  return {
    kubernetesVersion,
    source,
    clusterRoles: of('ClusterRole'),
    clusterRoleBindings: of('ClusterRoleBinding'),
    roles: of('Role'),
    roleBindings: of('RoleBinding'),
  };
}

if (corpus) {
  const objects: Json[] = [];
  for (const file of readdirSync(corpus).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const document of loadAll(readFileSync(join(corpus, file), 'utf8'))) {
      const list = document as Json;
      for (const item of (Array.isArray(list.items) ? list.items : [list]) as Json[]) objects.push(item);
    }
  }
  writeJson(
    'default-rbac.json',
    defaultRbacFrom(
      objects,
      'unknown (bootstrap-policy testdata of kubernetes/kubernetes master, see /work/shared/corpus/SOURCES.md)',
      'kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata (corpus copy); to be regenerated from a real API server',
    ),
  );
} else if (kubeconfig) {
  const version = raw('/version');
  const gitVersion = String(version.gitVersion);
  const selector = 'labelSelector=kubernetes.io%2Fbootstrapping%3Drbac-defaults';
  const objects: Json[] = [];
  for (const [path, kind] of [
    ['clusterroles', 'ClusterRole'],
    ['clusterrolebindings', 'ClusterRoleBinding'],
    ['roles', 'Role'],
    ['rolebindings', 'RoleBinding'],
  ] as const) {
    const list = raw(`/apis/rbac.authorization.k8s.io/v1/${path}?${selector}`);
    for (const item of (list.items ?? []) as Json[]) objects.push({ ...item, kind });
  }
  writeJson('default-rbac.json', defaultRbacFrom(objects, gitVersion, `kube-apiserver ${gitVersion}: objects labelled kubernetes.io/bootstrapping=rbac-defaults`));

  // Discovery: the preferred version of every group, as kubectl's RESTMapper would pick it.
  const groupVersions: { group: string; version: string; path: string }[] = [{ group: '', version: 'v1', path: '/api/v1' }];
  for (const group of ((raw('/apis').groups ?? []) as Json[])) {
    const preferred = group.preferredVersion as Json;
    groupVersions.push({ group: String(group.name), version: String(preferred.version), path: `/apis/${String(preferred.groupVersion)}` });
  }
  const resources: Json[] = [];
  for (const gv of groupVersions) {
    const list = (raw(gv.path).resources ?? []) as Json[];
    const subresources = new Map<string, string[]>();
    for (const r of list) {
      const [plural, sub] = String(r.name).split('/');
      if (sub && plural) subresources.set(plural, [...(subresources.get(plural) ?? []), sub]);
    }
    for (const r of list) {
      if (String(r.name).includes('/')) continue;
      resources.push({
        group: gv.group,
        version: gv.version,
        kind: r.kind,
        plural: r.name,
        singular: r.singularName || String(r.kind).toLowerCase(),
        shortNames: r.shortNames ?? [],
        namespaced: r.namespaced,
        verbs: r.verbs ?? [],
        subresources: (subresources.get(String(r.name)) ?? []).sort(),
      });
    }
  }
  writeJson('api-resources.json', { kubernetesVersion: gitVersion, source: `discovery of kube-apiserver ${gitVersion}`, resources });
} else {
  console.error('usage: node scripts/gen-kube-data.ts --kubeconfig PATH | --from-corpus DIR [--out data]');
  process.exitCode = 2;
}
