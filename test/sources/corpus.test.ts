import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInventory } from '../../src/inventory/inventory.js';
import { readManifests } from '../../src/sources/manifest-files.js';
import { inventoryFromPaths } from '../helpers/inventory.js';
import { corpusFiles, corpusPath, corpusRoot } from '../helpers/corpus.js';
import { expectedObjects } from './corpus-oracle.js';

describe('every corpus file', () => {
  const files = corpusFiles();

  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(80);
  });

  it.each(files.map((file) => [path.relative(corpusRoot, file), file]))('%s loads with the right kinds and lines', async (_name, file) => {
    const inventory = await inventoryFromPaths(file);
    const read = inventory.entries.map((entry) => ({ kind: entry.ref.kind, line: entry.source?.line }));
    expect(read).toEqual(expectedObjects(file));
    for (const entry of inventory.entries) expect(entry.source?.file).toBe(file);
  });
});

describe('corpus specifics', () => {
  it('reads argo-cd install.yaml: 59 objects including its cluster-wide controller role', async () => {
    const inventory = await inventoryFromPaths(corpusPath('argo-cd', 'install.yaml'));
    expect(inventory.entries).toHaveLength(59);
    const controller = inventory.clusterRoles.find((entry) => entry.ref.name === 'argocd-application-controller');
    expect(controller?.ref.namespace).toBeUndefined();
    expect(controller?.object.rules?.[0]).toMatchObject({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] });
    expect(inventory.customResourceDefinitions.length).toBeGreaterThan(0);
  });

  it('unpacks RoleList and RoleBindingList documents from kube-prometheus into their items', async () => {
    const inventory = await inventoryFromPaths(
      corpusPath('kube-prometheus', 'prometheus-roleSpecificNamespaces.yaml'),
      corpusPath('kube-prometheus', 'prometheus-roleBindingSpecificNamespaces.yaml'),
    );
    expect(inventory.roles.map((entry) => entry.ref.namespace).sort()).toEqual(['default', 'kube-system', 'monitoring']);
    expect(inventory.roleBindings.map((entry) => entry.object.subjects?.[0]?.name)).toEqual([
      'prometheus-k8s',
      'prometheus-k8s',
      'prometheus-k8s',
    ]);
  });

  it('indexes the whole kube-prometheus folder: workloads normalised to their pod templates', async () => {
    const inventory = await inventoryFromPaths(corpusPath('kube-prometheus'));
    const workloads = inventory.workloads.map(
      (workload) => `${workload.entry.ref.kind}/${workload.entry.ref.name}:${workload.serviceAccountName}`,
    );
    expect(workloads).toContain('DaemonSet/node-exporter:node-exporter');
    expect(workloads).toContain('Deployment/grafana:grafana');
    for (const workload of inventory.workloads) {
      expect(workload.podSpecPath).toEqual(['spec', 'template', 'spec']);
      expect(workload.namespace).toBe('monitoring');
    }
    expect(inventory.serviceAccounts.map((entry) => entry.ref.name)).toContain('prometheus-k8s');
  });

  it('skips kustomize patch lists in flux2 with a note naming file and line, and keeps the accounts', async () => {
    const inventory = await inventoryFromPaths(corpusPath('flux2'));
    const patchNotes = inventory.notes.filter((note) => note.source?.file.endsWith('-patch.yaml'));
    expect(patchNotes).toHaveLength(7);
    for (const note of patchNotes) {
      expect(note.level).toBe('info');
      expect(note.source?.line).toBe(1);
      expect(note.message).toMatch(/not a Kubernetes object \(a YAML sequence\)/);
    }
    // The flux accounts name no namespace: kubectl would put them in the default namespace.
    expect(inventory.serviceAccounts.map((entry) => entry.ref.namespace)).toEqual(Array(7).fill('default'));
  });

  it('gives namespace-less objects the -n namespace but never gives one to cluster-scoped kinds', async () => {
    const documents = await readManifests([corpusPath('flux2')]);
    const inventory = buildInventory(documents, { defaultNamespace: 'flux-system', origin: 'files' });
    expect(new Set(inventory.serviceAccounts.map((entry) => entry.ref.namespace))).toEqual(new Set(['flux-system']));
    expect(inventory.serviceAccounts[0]?.object.metadata.namespace).toBe('flux-system');
    for (const entry of [...inventory.clusterRoles, ...inventory.clusterRoleBindings]) {
      expect(entry.ref.namespace).toBeUndefined();
      expect(entry.object.metadata.namespace).toBeUndefined();
    }
  });

  it('reads every corpus folder at once without errors', async () => {
    const inventory = await inventoryFromPaths(corpusRoot);
    const expectedTotal = corpusFiles().reduce((sum, file) => sum + expectedObjects(file).length, 0);
    expect(inventory.entries).toHaveLength(expectedTotal);
    expect(inventory.notes.filter((note) => note.level === 'warning')).toEqual([]);
  });
});
