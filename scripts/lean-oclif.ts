// oclif as the bundle uses it (an esbuild plugin of scripts/build.ts): what it gets for @oclif/core and some of its packages.
import path from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * oclif as the bundle uses it. `import … from '@oclif/core'` gets src/cli/oclif-core.ts: oclif's exports from its
 * own entry points, without the index's load-time Node version check (semver, and package.json read from disk).
 * `wsl-utils`, which oclif's configuration asks at every start, gets src/cli/oclif-wsl.ts. The packages oclif
 * loads at every start only to find commands, plugins and TypeScript sources on disk are left out: the bundle's
 * commands come from memory (src/cli/command-plugin.ts). Each becomes a module whose every export throws, so an
 * oclif that starts calling one fails loudly.
 */
export const LEFT_OUT_OF_OCLIF: Readonly<Record<string, string>> = {
  tinyglobby: 'it finds command files on disk',
  minimatch: 'it matches the names of installed plugins',
  lilconfig: "it reads plugins' configuration files",
  'get-package-type': 'it tells ES modules from CommonJS files on disk',
};
/**
 * Modules that oclif requires at load but uses only in some runs: each is loaded when oclif first touches one of
 * its members (oclif keeps `const x_1 = require("x")` and reads `x_1.member` where it uses it; a test keeps it
 * so). Together with the modules they load (net and tty among them) they were about a twentieth of a `version`.
 */
export const LAZY_IN_OCLIF: Readonly<Record<string, string>> = {
  'node:child_process': 'it asks PowerShell which shell started it, on Windows only (src/cli/oclif-wsl.ts refuses first)',
  'node:perf_hooks': 'it measures its own phases only when its performanceEnabled setting is on',
  'node:readline': 'it reads stdin only for an argument that may come from it',
};

export function leanOclif(root: string): Plugin {
  return {
    name: 'lean-oclif',
    setup(build) {
      build.onResolve({ filter: /^@oclif\/core$/ }, () => ({ path: path.join(root, 'src', 'cli', 'oclif-core.ts') }));
      const fromOclif = (importer: string) => importer.includes(`${path.sep}node_modules${path.sep}@oclif${path.sep}core${path.sep}`);
      build.onResolve({ filter: /^wsl-utils$/ }, (args) =>
        fromOclif(args.importer) ? { path: path.join(root, 'src', 'cli', 'oclif-wsl.ts') } : undefined,
      );
      build.onResolve({ filter: /^[a-z-]+$/ }, (args) =>
        args.path in LEFT_OUT_OF_OCLIF && fromOclif(args.importer) ? { path: args.path, namespace: 'left-out-of-oclif' } : undefined,
      );
      build.onResolve({ filter: /^[a-z:_-]+$/ }, async (args) => {
        if (!(args.path in LAZY_IN_OCLIF) || args.kind !== 'require-call' || !fromOclif(args.importer)) return undefined;
        if (args.path.startsWith('node:')) return { path: args.path, namespace: 'lazy-in-oclif', pluginData: args.path };
        const real = await build.resolve(args.path, { kind: 'require-call', resolveDir: path.dirname(args.importer) });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: args.path, namespace: 'lazy-in-oclif', pluginData: real.path };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-in-oclif' }, (args) => ({
        contents: [
          'let loaded;',
          `module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require(${JSON.stringify(args.pluginData)}))[key] });`,
        ].join('\n'),
        loader: 'js',
        resolveDir: root,
      }));
      /**
       * oclif's `require(name)` gets `require("src/cli/<file>").<factory>(() => require(name))`: our module answers
       * what it can, and loads the module itself (once: esbuild's require runs a module one time) only when it must.
       */
      const answeredForOclif = (name: string, namespace: string, file: string, factory: string) => {
        build.onResolve({ filter: new RegExp(`^${name.replaceAll('/', '\\/')}$`) }, async (args) => {
          if (!fromOclif(args.importer)) return undefined;
          if (name.startsWith('node:')) return { path: name, namespace, pluginData: name };
          const real = await build.resolve(name, { kind: 'require-call', resolveDir: path.dirname(args.importer) });
          if (real.errors.length > 0) return { errors: real.errors };
          return { path: name, namespace, pluginData: real.path };
        });
        build.onLoad({ filter: /.*/, namespace }, (args) => ({
          contents: `module.exports = require(${JSON.stringify(path.join(root, 'src', 'cli', file))}).${factory}(() => require(${JSON.stringify(args.pluginData)}));`,
          loader: 'js',
          resolveDir: root,
        }));
      };
      // The `debug` package is loaded only when DEBUG is set.
      answeredForOclif('debug', 'quiet-debug', 'oclif-debug.ts', 'quietDebug');
      // Its calls at a start (the theme file) answered through node:fs, without loading node:fs/promises.
      answeredForOclif('node:fs/promises', 'fs-promises-by-callback', 'oclif-fs-promises.ts', 'fsPromisesByCallback');
      // Off a terminal, "no colour" without loading supports-color (and tty).
      answeredForOclif('supports-color', 'colour-off-terminal', 'oclif-supports-color.ts', 'colourOffTerminal');
      // ejs compiles only texts with a tag (oclif's help and configuration).
      answeredForOclif('ejs', 'tags-only-ejs', 'oclif-ejs.ts', 'tagsOnlyEjs');
      build.onLoad({ filter: /.*/, namespace: 'left-out-of-oclif' }, (args) => {
        const message = `kubectl-sa's bundle leaves out ${args.path} (${LEFT_OUT_OF_OCLIF[args.path]}), and oclif called it`;
        return {
          contents: [
            `const leftOut = () => { throw new Error(${JSON.stringify(message)}); };`,
            "module.exports = new Proxy({}, { get: (_, key) => (key === '__esModule' || typeof key === 'symbol' ? undefined : leftOut) });",
          ].join('\n'),
          loader: 'js',
        };
      });
    },
  };
}
