import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInFiles, readBuiltInFiles } from '../../src/sources/built-in-files.js';
import { builtInPolicyDocumentsFrom, preparsePolicyFiles, type PreparsedPolicyFiles } from '../../src/sources/policy-files.js';
import { repoRoot } from '../helpers/cli.js';

describe('the files built into kubectl-sa', () => {
  it('are the policy packs, their schemas and the Kubernetes data, read as the build embeds them', () => {
    const names = Object.keys(readBuiltInFiles(repoRoot));
    for (const pack of readdirSync(path.join(repoRoot, 'policies')).filter((name) => name.endsWith('.yaml'))) {
      expect(names).toContain(`policies/${pack}`);
    }
    expect(names).toContain('policies/pack.schema.json');
    expect(names).toContain('data/default-rbac.json');
    expect(builtInFiles('policies').map((file) => file.name)).toEqual(names.filter((name) => name.startsWith('policies/')).sort());
  });

  it('leave out the packs’ fixture cases, which policy test runs from a checkout and no command reads from the program', () => {
    expect(readdirSync(path.join(repoRoot, 'policies', 'tests')).length).toBeGreaterThan(0);
    expect(Object.keys(readBuiltInFiles(repoRoot)).filter((name) => name.startsWith('policies/tests/'))).toEqual([]);
  });
});

describe('the built-in packs parsed at build time', () => {
  const files = builtInFiles('policies').filter((file) => !file.name.endsWith('.schema.json'));
  // Through JSON, as the bundle carries them.
  const preparsed = JSON.parse(JSON.stringify(preparsePolicyFiles(files))) as PreparsedPolicyFiles;

  it('give the documents, lines and pointer lines that parsing their YAML gives', () => {
    const fromYaml = builtInPolicyDocumentsFrom(files, undefined, []);
    const fromBuild = builtInPolicyDocumentsFrom(files, preparsed, []);
    expect(fromBuild.length).toBe(fromYaml.length);
    expect(fromBuild.length).toBeGreaterThan(2);
    fromYaml.forEach((expected, index) => {
      const actual = fromBuild[index]!;
      expect(actual.value).toEqual(expected.value);
      expect([actual.file, actual.line]).toEqual([expected.file, expected.line]);
      const rules = (expected.value as { rules?: unknown[] }).rules ?? [];
      // The pointers kept, and a deeper one looked up in the text only when asked.
      for (const pointer of ['', ...rules.map((_, rule) => `/rules/${rule}`), '/rules/0/assert', '/facts/1/requests/0/verbs']) {
        expect(actual.lineOf(pointer), pointer).toBe(expected.lineOf(pointer));
      }
    });
  });

  it('keep a line for every rule, and parse nothing more', () => {
    const rbac = preparsed['policies/rbac.yaml']?.[0];
    const rules = (rbac?.value as { rules: unknown[] }).rules;
    expect(rules.length).toBeGreaterThan(10);
    for (let rule = 0; rule < rules.length; rule++) expect(rbac?.lines[`/rules/${rule}`]).toBeGreaterThan(rbac?.line ?? 0);
    expect(rbac?.lines['/rules/0/assert']).toBeUndefined();
  });
});
