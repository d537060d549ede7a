// Builds dist/kubectl-sa.js: the whole CLI as one ESM file (esbuild), with the built-in policy packs
// and the Kubernetes data inside it, and dist/THIRD-PARTY-NOTICES.txt, the licences of the packages bundled
// in it. The standalone binaries (scripts/package.ts) carry the same program as CommonJS, dist/kubectl-sa.cjs,
// started by dist/sea-main.cjs; the npm package runs that one too, through bin/kubectl-sa and dist/npm-main.js
// (with a code cache in the user's cache folder), and the ES module where it cannot keep one. Usage: npm run build
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import type { Interfaces } from '@oclif/core';
import { commandManifest } from '../src/cli/command-plugin.js';
import { readBuiltInFiles } from '../src/sources/built-in-files.js';
import { preparsePolicyFiles } from '../src/sources/policy-files.js';
import { leanOclif } from './lean-oclif.js';
import { moduleWrappersNamedAlike } from './module-wrappers.js';

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

/**
 * esbuild writes the bundle in ASCII (its default charset) but for what it must leave as it is: regular
 * expression literals and tagged templates. ansis writes ESC and CSI (U+009B) raw in a regular expression; that one
 * character made V8 hold the 4 MB program as UTF-16, and Node's compile cache re-encode it at every start of the
 * npm route (100 M instructions of a 310 M `version`, measured with callgrind). Written as escapes, they mean the
 * same characters. The build checks that both outputs are ASCII (asciiOutput below).
 */
const asciiAnsis: Plugin = {
  name: 'ascii-ansis',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]ansis[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const raw = '[\u001b\u009b]';
      if (text.split(raw).length !== 2)
        return { errors: [{ text: `ansis no longer has ${JSON.stringify(raw)} once: scripts/build.ts needs a look` }] };
      return { contents: text.replace(raw, '[\\x1b\\x9b]'), loader: 'js' };
    });
  },
};

/** Throws unless the file is ASCII, naming the first other character and what surrounds it. */
function asciiOutput(file: string, text: string): void {
  const other = /[^\u0000-\u007f]/.exec(text);
  if (!other) return;
  const code = other[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  throw new Error(
    `${file}: U+${code} at ${other.index} (${JSON.stringify(text.slice(other.index - 40, other.index + 10))}); escape it like asciiAnsis`,
  );
}

// oclif's view of every command (help metadata), so that a start loads only the command it runs.
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Interfaces.PJSON;
const manifest = await commandManifest(packageJson, root);

/**
 * Ink connects to React DevTools when DEV=true and `react-devtools-core` resolves beside it; in the bundle it never
 * does (nothing resolves beside dist/), so Ink's devtools module, which imports that package statically, is left out.
 */
const inkWithoutDevtools: Plugin = {
  name: 'ink-without-devtools',
  setup(build) {
    build.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      /node_modules[\\/]ink[\\/]/.test(args.importer) ? { path: 'ink-devtools', namespace: 'ink-without-devtools' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'ink-without-devtools' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * Ink and its layout engine without top-level await, which the standalone binaries' CommonJS program cannot
 * hold: Ink's `import Yoga from 'yoga-layout'` gets src/tui/yoga-layout.ts (the engine loaded before the TUI
 * renders), and Ink's reconciler loses the two awaits it runs only under DEV=true (React DevTools, which the
 * bundle leaves out, and its own package.json for DevTools' sake). A pattern that is no longer there fails the
 * build, so an Ink upgrade cannot slip past this.
 */
const inkWithoutTopLevelAwait: Plugin = {
  name: 'ink-without-top-level-await',
  setup(build) {
    build.onResolve({ filter: /^yoga-layout$/ }, (args) =>
      /node_modules[\\/]ink[\\/]/.test(args.importer) ? { path: path.join(root, 'src', 'tui', 'yoga-layout.ts') } : undefined,
    );
    build.onLoad({ filter: /node_modules[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, async (args) => {
      let contents = readFileSync(args.path, 'utf8');
      for (const [from, to] of [
        ["await import('./devtools.js');", 'void 0;'],
        ['const loaded = await loadPackageJson();', 'const loaded = {};'],
      ] as const) {
        if (!contents.includes(from))
          throw new Error(`scripts/build.ts: ${args.path} no longer holds ${from}: review inkWithoutTopLevelAwait`);
        contents = contents.replace(from, to);
      }
      return { contents, loader: 'js' };
    });
  },
};

const builtIn = readBuiltInFiles(root);
const builtInPolicyFiles = Object.keys(builtIn)
  .filter((name) => name.startsWith('policies/') && !name.endsWith('.schema.json'))
  .sort()
  .map((name) => ({ name, text: builtIn[name]! }));

/** What all the outputs share: one file each, Node's built-ins required lazily, the built-in files inside. */
const common: BuildOptions = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node22.12',
  // One file, no chunks: a standalone binary runs exactly one script. Modules that commands import with
  // `await import()` are still evaluated only when that line runs (esbuild wraps them lazily).
  splitting: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  plugins: [lazyBuiltins, leanOclif(root), inkWithoutDevtools, inkWithoutTopLevelAwait, asciiAnsis],
  logLevel: 'warning',
  define: {
    // As JSON text in a string literal: esbuild puts an object-valued define in a module that every file
    // imports, which every start would build; a string is inlined where it is read, and parsed there.
    KUBECTL_SA_EMBEDDED_FILES: JSON.stringify(JSON.stringify(builtIn)),
    // The built-in packs parsed here, with the lines their rules, facts and fixes are named by: a start
    // parses JSON instead of the packs' YAML (src/sources/policy-files.ts).
    KUBECTL_SA_PARSED_PACKS: JSON.stringify(JSON.stringify(preparsePolicyFiles(builtInPolicyFiles))),
    KUBECTL_SA_COMMAND_MANIFEST: JSON.stringify(JSON.stringify(manifest)),
    // React (under Ink) checks NODE_ENV at run time; the shipped program is production, never React's slower,
    // noisier development build.
    'process.env.NODE_ENV': '"production"',
  },
  // oclif reads tsconfig.json with TypeScript only when developing a plugin from its sources; never here.
  external: ['typescript'],
};

// The program a thread reading part of a large audit log runs (src/app/program-threads.ts): CommonJS, Node's own
// modules only, carried inside both outputs as text and started as an `eval` worker, which the standalone binaries
// can do too (they have no script file to point a worker at).
const threadProgram = await build({
  ...common,
  entryPoints: ['src/app/audit-log-thread-main.ts'],
  format: 'cjs',
  write: false,
});
const threadProgramText = threadProgram.outputFiles[0]!.text;
asciiOutput('the thread program', threadProgramText);
common.define = { ...common.define, KUBECTL_SA_THREAD_PROGRAM: JSON.stringify(threadProgramText) };

// dist/kubectl-sa.js: what the npm package runs (an ES module).
const result = await build({
  ...common,
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist/kubectl-sa.js',
  format: 'esm',
  metafile: true,
  // CommonJS dependencies call require() for Node's built-in modules; ESM output has none of its own. It serves
  // Node's own modules only: everything else is inside the bundle, and a require() esbuild could not see (fdir
  // probes for picomatch at load) must not load a package from node_modules folders above the binary or the npm
  // package, as Node's resolution would: that would run code nobody shipped, and cost a disk walk at each start.
  banner: { js: requireBanner() },
});

// dist/kubectl-sa.cjs and dist/sea-main.cjs: what the standalone binaries run (src/cli/sea-program.ts). The
// program is the same code as CommonJS, for vm.Script and its code cache: a function expression of exports,
// require and module (esbuild makes it strict, as the ES module is); its require is the binary's, Node's only.
await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/kubectl-sa.cjs',
  format: 'cjs',
  banner: { js: '(function (exports, require, module) {' },
  footer: { js: '})' },
  // import.meta.url locates the repository only when the built-in files are not embedded, never in a build.
  logOverride: { 'empty-import-meta': 'silent' },
});
await build({ ...common, entryPoints: ['src/cli/sea-main.ts'], outfile: 'dist/sea-main.cjs', format: 'cjs' });
const programDigests: Record<string, string> = {};
for (const file of ['kubectl-sa.js', 'kubectl-sa.cjs']) {
  const { text, wrappers } = moduleWrappersNamedAlike(readFileSync(path.join(dist, file), 'utf8'));
  // Hundreds of lazily evaluated modules: none found means esbuild now writes its wrappers differently.
  if (wrappers < 100) throw new Error(`dist/${file}: ${wrappers} module wrappers found; scripts/module-wrappers.ts needs a look`);
  asciiOutput(`dist/${file}`, text);
  writeFileSync(path.join(dist, file), text);
  programDigests[file] = createHash('sha256').update(text).digest('hex').slice(0, 16);
}
// dist/npm-main.js: the npm route's start, which runs dist/kubectl-sa.cjs with a code cache of its own
// (src/cli/npm-main.ts); a cache is kept per program text, by this digest.
await build({
  ...common,
  entryPoints: ['src/cli/npm-main.ts'],
  outfile: 'dist/npm-main.js',
  format: 'esm',
  banner: { js: requireBanner() },
  define: { KUBECTL_SA_PROGRAM_DIGEST: JSON.stringify(programDigests['kubectl-sa.cjs']) },
});
writeFileSync(path.join(dist, 'kubectl-sa.meta.json'), JSON.stringify(result.metafile));
writeFileSync(
  path.join(dist, 'THIRD-PARTY-NOTICES.txt'),
  thirdPartyNotices(Object.keys(result.metafile.outputs['dist/kubectl-sa.js']!.inputs)),
);

/** The bundle's `require`: Node's built-in modules, and for anything else the error of a missing module. */
function requireBanner(): string {
  return [
    "import { createRequire as __kubectlSaCreateRequire, isBuiltin as __kubectlSaIsBuiltin } from 'node:module';",
    'const require = ((nodeRequire) => {',
    '  const resolve = (id) => {',
    '    if (__kubectlSaIsBuiltin(id)) return id;',
    "    throw Object.assign(new Error(`Cannot find module '${id}': kubectl-sa carries its packages inside itself`), { code: 'MODULE_NOT_FOUND' });",
    '  };',
    '  return Object.assign((id) => nodeRequire(resolve(id)), { resolve });',
    '})(__kubectlSaCreateRequire(import.meta.url));',
  ].join('\n');
}

/** The name, version, licence and licence text of every npm package with code in the bundle. */
function thirdPartyNotices(inputs: readonly string[]): string {
  const folders = new Set<string>();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) folders.add(match[1]!);
  }
  const sections = [...folders]
    .map((folder) => {
      const manifest = JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        license?: string;
      };
      const file = readdirSync(path.join(root, folder)).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
      const text = file
        ? readFileSync(path.join(root, folder, file), 'utf8').trim()
        : `(no licence file in the package; package.json says ${manifest.license ?? 'nothing'})`;
      return { title: `${manifest.name} ${manifest.version} (${manifest.license ?? 'unknown licence'})`, text };
    })
    .sort((a, b) => (a.title < b.title ? -1 : 1));
  const header =
    'kubectl-sa bundles the following npm packages (their code is inside dist/kubectl-sa.js and the standalone\n' +
    'binaries). Each is listed with its version, licence and licence text.\n';
  return [header, ...sections.map((section) => `${'='.repeat(100)}\n${section.title}\n\n${section.text}\n`)].join('\n');
}
