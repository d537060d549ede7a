import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as oclif from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { LEFT_OUT_OF_OCLIF } from '../../scripts/lean-oclif.js';
import * as lean from '../../src/cli/oclif-core.js';
import * as oclifWsl from '../../src/cli/oclif-wsl.js';
import { repoRoot } from '../helpers/cli.js';

// The bundle gets src/cli/oclif-core.ts for '@oclif/core' (scripts/build.ts): it must offer what the package does.
describe('src/cli/oclif-core.ts', () => {
  it("exports what @oclif/core's index does, the same objects, but Constraints and ModuleLoader (not entry points)", () => {
    const names = (module: object) => Object.keys(module).filter((name) => name !== 'default' && name !== '__esModule');
    expect(names(lean).sort()).toEqual(
      names(oclif)
        .filter((name) => name !== 'Constraints' && name !== 'ModuleLoader')
        .sort(),
    );
    expect(lean.Command).toBe(oclif.Command);
    expect(lean.Config).toBe(oclif.Config);
    expect(lean.Flags.string).toBe(oclif.Flags.string);
  });
});

// What oclif's modules take from the packages scripts/lean-oclif.ts replaces: an oclif upgrade that uses them
// differently fails here, before a bundle that would throw (or quietly answer wrong) at run time.
describe('oclif as the bundle uses it (scripts/lean-oclif.ts)', () => {
  const oclifLib = path.join(repoRoot, 'node_modules', '@oclif', 'core', 'lib');
  const sources = readdirSync(oclifLib, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => ({ file: file.split(path.sep).join('/'), text: readFileSync(path.join(oclifLib, file), 'utf8') }));

  it('asks wsl-utils only what src/cli/oclif-wsl.ts answers', () => {
    const asked = sources.flatMap(({ text }) => [...text.matchAll(/\(await import\('wsl-utils'\)\)\.(\w+)/g)].map((match) => match[1]!));
    expect(asked.length).toBeGreaterThan(0);
    expect(sources.filter(({ text }) => text.includes('wsl-utils')).length).toBe(1);
    for (const name of asked) expect(Object.keys(oclifWsl)).toContain(name);
  });

  it('requires the packages left out of the bundle only where it searches the disk for commands, plugins and sources', () => {
    const requiring = sources.flatMap(({ file, text }) =>
      Object.keys(LEFT_OUT_OF_OCLIF)
        .filter((name) => text.includes(`require("${name}")`) || text.includes(`require('${name}')`))
        .map((name) => `${file} ${name}`),
    );
    expect(requiring.sort()).toEqual([
      'config/plugin-loader.js minimatch',
      'config/plugin.js tinyglobby',
      'module-loader.js get-package-type',
      'util/read-pjson.js lilconfig',
    ]);
  });

  it('leaves them out of the bundle, and the bundle still runs every command (the other tests run them)', () => {
    const metafile = JSON.parse(readFileSync(path.join(repoRoot, 'dist', 'kubectl-sa.meta.json'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const inputs = Object.keys(metafile.inputs);
    for (const name of Object.keys(LEFT_OUT_OF_OCLIF)) {
      expect(inputs).toContain(`left-out-of-oclif:${name}`);
      expect(inputs.filter((input) => input.includes(`node_modules/${name}/`))).toEqual([]);
    }
    expect(inputs.filter((input) => /node_modules\/(wsl-utils|is-wsl|powershell-utils)\//.test(input))).toEqual([]);
  });
});
