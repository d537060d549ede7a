import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInFiles, readBuiltInFiles } from '../../src/sources/built-in-files.js';
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
