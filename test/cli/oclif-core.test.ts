import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as oclif from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { LAZY_IN_OCLIF, LEFT_OUT_OF_OCLIF } from '../../scripts/lean-oclif.js';
import * as lean from '../../src/cli/oclif-core.js';
import { OCLIF_FS_PROMISES_BY_CALLBACK } from '../../src/cli/oclif-fs-promises.js';
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

  it('uses the modules it gets lazily only by reading members of what require returned, never at load', () => {
    // `const x_1 = require("x");` and then only `x_1.member` (read when oclif calls it): a Proxy that loads the
    // module at the first read answers exactly as the module would.
    const uses = sources.flatMap(({ file, text }) =>
      Object.keys(LAZY_IN_OCLIF).flatMap((name) => {
        const requires = [...text.matchAll(new RegExp(`^const (\\w+) = require\\("${name}"\\);$`, 'gm'))];
        if (!text.includes(`require("${name}")`)) return [];
        expect(requires, `${file} requires ${name} other than as const x = require(...)`).toHaveLength(1);
        const variable = requires[0]![1]!;
        const other = [...text.matchAll(new RegExp(`\\b${variable}\\b(?!\\.\\w)`, 'g'))].length;
        expect(other, `${file} uses ${variable} other than as ${variable}.member`).toBe(1);
        return [`${file} ${name}`];
      }),
    );
    expect(uses.sort()).toEqual(['parser/parse.js node:readline', 'performance.js node:perf_hooks', 'util/os.js node:child_process']);
  });

  it('asks supports-color only its stdout and stderr answers, in a function (src/cli/oclif-supports-color.ts answers them)', () => {
    const requiring = sources.filter(({ text }) => text.includes('require("supports-color")'));
    expect(requiring.map(({ file }) => file)).toEqual(['ux/supports-color.js']);
    const text = requiring[0]!.text;
    expect(new Set([...text.matchAll(/\bsupports_color_1\b(\.\w+)?/g)].map((match) => match[0]))).toEqual(
      new Set(['supports_color_1', 'supports_color_1.stdout', 'supports_color_1.stderr']),
    );
    expect(text).toMatch(
      /function supportsColor\(\) \{\n\s+return Boolean\(supports_color_1\.stdout\) && Boolean\(supports_color_1\.stderr\);/,
    );
  });

  it('asks node:fs/promises what src/cli/oclif-fs-promises.ts answers by callback, and readdir (its plugins), by member', () => {
    const uses = sources.flatMap(({ file, text }) => {
      const requires = [...text.matchAll(/^const (\w+) = require\("node:fs\/promises"\);$/gm)];
      if (!text.includes('require("node:fs/promises")')) return [];
      expect(requires, `${file} requires node:fs/promises other than as const x = require(...)`).toHaveLength(1);
      const variable = requires[0]![1]!;
      expect(
        [...text.matchAll(new RegExp(`\\b${variable}\\b(?!\\.\\w)`, 'g'))],
        `${file} uses ${variable} other than by member`,
      ).toHaveLength(1);
      return [...text.matchAll(new RegExp(`\\b${variable}\\.(\\w+)`, 'g'))].map((match) => match[1]!);
    });
    expect(new Set(uses)).toEqual(new Set([...Object.keys(OCLIF_FS_PROMISES_BY_CALLBACK), 'readdir']));
    // The theme file, read at every start, goes through readFile.
    const config = sources.find(({ file }) => file === 'config/config.js')!.text;
    expect(config).toMatch(/fs_1\.safeReadJson\)\(userThemeFile\)/);
  });

  it('gets debug only in its logger, which calls it only when it logs', () => {
    expect(sources.filter(({ text }) => /require\("debug"\)/.test(text)).map(({ file }) => file)).toEqual(['logger.js']);
    const logger = sources.find(({ file }) => file === 'logger.js')!.text;
    expect([...logger.matchAll(/debug_1\.default/g)]).toHaveLength(1);
    expect(logger).toMatch(/function makeLogger\(namespace = OCLIF_NS\) \{\n\s+const debug = \(0, debug_1\.default\)\(namespace\);/);
  });

  it('bundles them as such: a proxy per lazy module, and the quiet debug', () => {
    const metafile = JSON.parse(readFileSync(path.join(repoRoot, 'dist', 'kubectl-sa.meta.json'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const inputs = Object.keys(metafile.inputs);
    for (const name of Object.keys(LAZY_IN_OCLIF)) expect(inputs).toContain(`lazy-in-oclif:${name}`);
    expect(inputs).toContain('quiet-debug:debug');
    expect(inputs).toContain('tags-only-ejs:ejs');
    expect(inputs).toContain('fs-promises-by-callback:node:fs/promises');
    expect(inputs).toContain('colour-off-terminal:supports-color');
  });

  it('asks ejs only to render (src/cli/oclif-ejs.ts answers that alone)', () => {
    const requiring = sources.filter(({ text }) => text.includes('require("ejs")'));
    expect(requiring.map(({ file }) => file).sort()).toEqual(['config/config.js', 'help/util.js']);
    for (const { text } of requiring) {
      const uses = [...text.matchAll(/\bejs_1\b(\.\w+)*/g)].map((match) => match[0]);
      expect(new Set(uses)).toEqual(new Set(['ejs_1', 'ejs_1.default.render']));
    }
  });
});
