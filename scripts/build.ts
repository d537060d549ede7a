// Builds dist/kubectl-sa.js: the whole CLI as one ESM file (esbuild), with the built-in policy packs
// and the Kubernetes data inside it. The npm package runs it through bin/kubectl-sa; the standalone
// binaries (scripts/package.ts) carry it as their main script. Usage: npm run build
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { readBuiltInFiles } from '../src/sources/built-in-files.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

/**
 * In ESM output esbuild hoists every `import … from 'node:…'` to the top of the bundle, so Node would load
 * http2, tls, zlib, worker_threads … at every start for modules that only run when a command imports them
 * (the cluster client above all). Turning each such import into a require() inside the importing module
 * keeps Node's own modules as lazy as ours.
 */
const lazyBuiltins: Plugin = {
  name: 'lazy-node-builtins',
  setup(build) {
    const builtins = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));
    build.onResolve({ filter: /^[a-z_/:0-9]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (args.kind !== 'import-statement' || !builtins.has(name)) return undefined;
      return { path: `node:${name}`, namespace: 'lazy-builtin' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist/kubectl-sa.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22.12',
  // One file, no chunks: a standalone binary runs exactly one script. Modules that commands import with
  // `await import()` are still evaluated only when that line runs (esbuild wraps them lazily).
  splitting: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  plugins: [lazyBuiltins],
  logLevel: 'warning',
  define: { KUBECTL_SA_EMBEDDED_FILES: JSON.stringify(readBuiltInFiles(root)) },
  // oclif reads tsconfig.json with TypeScript only when developing a plugin from its sources; never here.
  external: ['typescript'],
  // CommonJS dependencies call require() for Node's built-in modules; ESM output has none of its own.
  banner: { js: "import { createRequire as __kubectlSaRequire } from 'node:module'; const require = __kubectlSaRequire(import.meta.url);" },
});
writeFileSync(path.join(dist, 'kubectl-sa.meta.json'), JSON.stringify(result.metafile));
