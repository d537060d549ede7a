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
      // oclif's logger gets src/cli/oclif-debug.ts's quietDebug: the `debug` package is loaded only when DEBUG is set.
      build.onResolve({ filter: /^debug$/ }, async (args) => {
        if (!fromOclif(args.importer)) return undefined;
        const real = await build.resolve('debug', { kind: 'require-call', resolveDir: path.dirname(args.importer) });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: 'debug', namespace: 'quiet-debug', pluginData: real.path };
      });
      build.onLoad({ filter: /.*/, namespace: 'quiet-debug' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(path.join(root, 'src', 'cli', 'oclif-debug.ts'))}).quietDebug(() => require(${JSON.stringify(args.pluginData)}));`,
        loader: 'js',
        resolveDir: root,
      }));
      // oclif's node:fs/promises gets src/cli/oclif-fs-promises.ts: its calls at a start answered through node:fs.
      build.onResolve({ filter: /^node:fs\/promises$/ }, (args) =>
        fromOclif(args.importer) ? { path: args.path, namespace: 'fs-promises-by-callback' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'fs-promises-by-callback' }, () => ({
        contents: `module.exports = require(${JSON.stringify(path.join(root, 'src', 'cli', 'oclif-fs-promises.ts'))}).fsPromisesByCallback(() => require('node:fs/promises'));`,
        loader: 'js',
        resolveDir: root,
      }));
      // oclif's supports-color gets src/cli/oclif-supports-color.ts: off a terminal, "no colour" without loading tty.
      build.onResolve({ filter: /^supports-color$/ }, async (args) => {
        if (!fromOclif(args.importer)) return undefined;
        const real = await build.resolve('supports-color', { kind: 'require-call', resolveDir: path.dirname(args.importer) });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: 'supports-color', namespace: 'colour-off-terminal', pluginData: real.path };
      });
      build.onLoad({ filter: /.*/, namespace: 'colour-off-terminal' }, (args) => ({
        contents: [
          'let loaded;',
          `module.exports = require(${JSON.stringify(path.join(root, 'src', 'cli', 'oclif-supports-color.ts'))}).colourOffTerminal(() => (loaded ??= require(${JSON.stringify(args.pluginData)})));`,
        ].join('\n'),
        loader: 'js',
        resolveDir: root,
      }));
      // oclif's help and configuration get src/cli/oclif-ejs.ts's tagsOnlyEjs: ejs compiles only texts with a tag.
      build.onResolve({ filter: /^ejs$/ }, async (args) => {
        if (!fromOclif(args.importer)) return undefined;
        const real = await build.resolve('ejs', { kind: 'require-call', resolveDir: path.dirname(args.importer) });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: 'ejs', namespace: 'tags-only-ejs', pluginData: real.path };
      });
      build.onLoad({ filter: /.*/, namespace: 'tags-only-ejs' }, (args) => ({
        contents: [
          'let loaded;',
          `module.exports = require(${JSON.stringify(path.join(root, 'src', 'cli', 'oclif-ejs.ts'))}).tagsOnlyEjs(() => (loaded ??= require(${JSON.stringify(args.pluginData)})));`,
        ].join('\n'),
        loader: 'js',
        resolveDir: root,
      }));
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
