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
