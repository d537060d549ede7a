import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Exploration } from '../../src/app/explore.js';
import type { Outcome } from '../../src/app/outcome.js';
import { scan } from '../../src/app/scan.js';
import { planFindingFixes, type FixPlanResult } from '../../src/app/fix.js';
import type { CreatedToken } from '../../src/app/token-create.js';
import { whoCanIn } from '../../src/app/who-can.js';
import { ClusterError } from '../../src/errors/kubectl-sa-error.js';
import { Coverage } from '../../src/inventory/coverage.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import { buildRbacModel } from '../../src/rbac/rbac-model.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';
import type { ClusterConnection } from '../../src/sources/cluster/connect.js';
import { boundClaims, testSigner } from '../helpers/test-tokens.js';
import { examples, exploreFiles, flat, keys, lineWith, now, pane, renderExplorer, selectedIn, type Driven } from './helpers.js';

let loaded: Outcome<Exploration>;
let driven: Driven | undefined;

beforeAll(async () => {
  loaded = await exploreFiles(examples);
});

afterEach(() => {
  driven?.unmount();
  driven = undefined;
});

function open(
  options: Omit<Parameters<typeof renderExplorer>[0], 'load'> & { load?: Parameters<typeof renderExplorer>[0]['load'] } = {},
): Driven {
  driven = renderExplorer({ load: async () => loaded, ...options });
  return driven;
}

const accounts = (screen: string) => pane(screen, 'ServiceAccounts');
const selectedAccount = (screen: string) => selectedIn(screen, 'ServiceAccounts');
const selectedNamespace = (screen: string) => selectedIn(screen, 'Namespaces');

/**
 * The rows of the "(all)" list on examples/: the six ServiceAccounts the manifests declare (shop's ci-deployer,
 * reporting and default; payments' payments-api, ledger-sync and default), and no "other findings" row, as every
 * finding there concerns one of them (the bindings' RBAC009 and RBAC010 name reporting).
 */
const accountsMatch = (count: number) => new RegExp(`${count} of 6 match`);

/** Moves down the ServiceAccounts list to `key` (namespace/name), whatever the order puts before it. */
async function selectAccount(ui: Driven, key: string): Promise<void> {
  await ui.waitFor('ServiceAccounts');
  await ui.pressUntil('j', (screen) => new RegExp(`^› \\S+\\s+${key}\\s`).test(selectedAccount(screen)));
}

describe('the explorer on examples/', () => {
  it('opens with the scan’s totals, namespaces, and ServiceAccounts most at risk first', async () => {
    // Tall enough for RBAC001's explanation and its fix below it.
    const ui = open({ size: { columns: 200, rows: 50 } });
    const screen = await ui.waitFor('ServiceAccounts');
    const report = (
      await scan({
        input: { paths: [examples], cluster: {} },
        policies: { paths: [], includeBuiltIn: true, onlyPacks: [], skipRules: [] },
        failOn: 'high',
        now,
        defaultRbac: true,
      })
    ).data.report;
    // The header carries what `kubectl sa scan` says of the same input.
    expect(lineWith(screen, 'kubectl sa')).toContain(`${report.summary.findings} findings`);
    expect(lineWith(screen, 'kubectl sa')).toContain(`score ${report.summary.score}/100`);
    for (const namespace of ['shop', 'payments', '(all)']) expect(screen).toContain(namespace);
    // ci-deployer is bound to cluster-admin (examples/insecure/ci-deployer.yaml): critical, and as it may create pods
    // everywhere it can become every other account, more than the two others of shop that are critical only because
    // they can become it (see explorer-data.test.ts): listed first and selected.
    expect(selectedAccount(screen)).toMatch(/› CRIT shop\/ci-deployer\s+unset\s+0 legacy/);
    expect(accounts(screen).split('\n')[1]).toContain('shop/ci-deployer');
    // The detail pane shows its findings, the cluster-admin one first, with why and the fix.
    expect(screen).toContain('RBAC001');
    expect(screen).toMatch(/why: \[cluster-admin\]/);
    expect(screen).toMatch(/fix: /);
  });

  it('moves with j/k and arrows, drills in with Enter, goes back with Esc, and Tab cycles the panes', async () => {
    const ui = open();
    await ui.waitFor('ServiceAccounts');
    const rows = accounts(ui.frame()).split('\n');
    const nameOf = (row: string) => /^[› ] \S+\s+(\S+)/.exec(row)?.[1];
    const first = nameOf(rows[1]!);
    await ui.press('j');
    // The second row is selected now, and the detail pane follows it.
    expect(selectedAccount(ui.frame())).toBe(rows[2]!.replace(/^ {2}/, '› '));
    expect(ui.frame()).toContain(`─ ${nameOf(rows[2]!)} ─`);
    await ui.press(keys.down, keys.up, 'k');
    expect(nameOf(selectedAccount(ui.frame()))).toBe(first);

    // Focus shows as the double border: ServiceAccounts first, Enter moves it to the details, Esc back.
    expect(lineWith(ui.frame(), 'ServiceAccounts ·')).toContain('╔═ ServiceAccounts');
    await ui.press(keys.enter);
    expect(ui.frame()).toContain(`╔═ ${first}`);
    await ui.press(keys.escape);
    expect(ui.frame()).toContain('╔═ ServiceAccounts');
    await ui.press(keys.escape);
    expect(ui.frame()).toContain('╔═ Namespaces');
    await ui.press(keys.tab, keys.tab);
    expect(ui.frame()).toContain(`╔═ ${first}`);
    await ui.press(keys.tab);
    expect(ui.frame()).toContain('╔═ Namespaces');
  });

  it('reads Esc and the next key arriving together (meta+key) as both keys, as a terminal user meant them', async () => {
    const ui = open();
    await selectAccount(ui, 'shop/ci-deployer');
    await ui.press(keys.enter);
    expect(ui.frame()).toContain('╔═ shop/ci-deployer');
    // One chunk: Esc (back to the list) then / (filter the list).
    await ui.press(`${keys.escape}/`);
    await ui.type('rule:SA006');
    expect(await ui.waitFor(accountsMatch(1))).toContain('╔═ ServiceAccounts');
  });

  it('selects a namespace and lists only its ServiceAccounts', async () => {
    const ui = open();
    await ui.waitFor('ServiceAccounts');
    await ui.press(keys.escape); // to the namespaces
    await ui.pressUntil('j', (screen) => selectedNamespace(screen).includes('payments'));
    const screen = accounts(ui.frame());
    expect(ui.frame()).toContain('ServiceAccounts · payments ·');
    // examples/hardened/payments.yaml and ledger-sync.yaml: payments-api and ledger-sync, plus the namespace's default.
    for (const name of ['payments-api', 'ledger-sync', 'default']) expect(screen).toMatch(new RegExp(`ok\\s+${name}\\s`));
    expect(screen.split('\n').filter((line) => /^[› ] (ok|CRIT|HIGH|MED|LOW)/.test(line))).toHaveLength(3);
    expect(screen).not.toContain('ci-deployer');
  });

  it('filters by rule id, severity and name with /, and Esc clears the filter', async () => {
    const ui = open();
    await ui.waitFor('ServiceAccounts');
    await ui.press('/');
    await ui.type('rule:SA004');
    // SA004 is the legacy token Secret of ci-deployer (examples/insecure/ci-deployer.yaml).
    let screen = ui.frame();
    expect(screen).toMatch(accountsMatch(1));
    expect(accounts(screen)).toContain('shop/ci-deployer');
    expect(accounts(screen)).not.toContain('shop/reporting');
    await ui.press(keys.enter);
    expect(ui.frame()).toContain('/rule:SA004');
    await ui.press(keys.escape);
    expect(accounts(ui.frame())).toContain('shop/reporting');

    await ui.press('/');
    await ui.type('!sev:medium');
    screen = accounts(ui.frame());
    // Negated: only accounts without a finding at medium or worse, i.e. the clean ones.
    expect(screen).toContain('payments/ledger-sync');
    expect(screen).not.toContain('shop/');
    await ui.press(keys.escape);
    await ui.press('/');
    await ui.type('ledger');
    expect(selectedAccount(ui.frame())).toContain('payments/ledger-sync');
  });

  it('sorts with s and says how', async () => {
    const ui = open();
    await ui.waitFor('sort risk');
    await ui.press('s');
    expect(ui.frame()).toContain('sort name');
    const order = accounts(ui.frame())
      .split('\n')
      .map((line) => /(?:ok|CRIT|HIGH|MED|LOW)\s+([a-z-]+\/[a-z-]+)\s/.exec(line)?.[1])
      .filter(Boolean);
    expect(order).toEqual([...order].sort());
  });

  it('shows Permissions grouped by binding, the Escalation paths, Workloads, Tokens and YAML', async () => {
    const ui = open({ size: { columns: 200, rows: 40 } });
    await selectAccount(ui, 'shop/ci-deployer');
    await ui.press('2');
    expect(ui.frame()).toContain('ClusterRoleBinding/ci-deployer-admin → ClusterRole/cluster-admin');
    await ui.press('3');
    expect(ui.frame()).toMatch(/Can act as \d+ other ServiceAccounts in one step/);
    // reporting may create jobs in shop (Role config-reader), where ci-deployer runs: a path to cluster-admin.
    await selectAccount(ui, 'shop/reporting');
    await ui.press('3');
    expect(flat(pane(ui.frame(), 'shop/reporting'))).toContain(
      'can become shop:ci-deployer (via pod create in shop), which holds cluster-admin',
    );
    await ui.press('4');
    expect(ui.frame()).toContain('CronJob/nightly-report');
    await ui.press('5');
    expect(ui.frame()).toMatch(/api-token\s+\(API server\)\s+24 h/);
    await ui.press('6');
    expect(ui.frame()).toContain('# ');
    expect(ui.frame()).toMatch(/examples\/insecure\/reporting\.yaml:4/);
    expect(ui.frame()).toContain('automountServiceAccountToken: false');
  });

  it('asks who-can for what is typed and opens a ServiceAccount of the answer', async () => {
    const ui = open();
    await ui.waitFor('ServiceAccounts');
    await ui.press('w');
    await ui.type('get secrets');
    await ui.press(keys.enter);
    const screen = await ui.waitFor('may get secrets');
    expect(screen).toMatch(/ServiceAccount\s+shop\/reporting\s+RoleBinding\/shop\/config-reader/);
    await ui.pressUntil(keys.down, (screen) => selectedIn(screen, 'who-can').includes('shop/reporting'));
    await ui.press(keys.enter);
    expect(ui.frame()).toContain('╔═ shop/reporting');
  });

  it('says in the who-can dialog when the list may be incomplete (ClusterRoleBindings not read)', async () => {
    // The examples as a cluster read by a user who may list everything but ClusterRoleBindings.
    const rbac = 'rbac.authorization.k8s.io';
    const inventory = buildInventory(
      loaded.data.inventory.entries.filter((entry) => entry.object.kind !== 'ClusterRoleBinding').map((entry) => ({ value: entry.object })),
      {
        defaultNamespace: 'default',
        origin: 'cluster',
        coverage: Coverage.ofReads([
          { group: rbac, kind: 'ClusterRoleBinding', state: 'forbidden' },
          ...(['ClusterRole', 'RoleBinding', 'Role'] as const).map((kind) => ({ group: rbac, kind, state: 'listed' as const })),
        ]),
      },
    );
    const model = buildRbacModel(inventory, { knownDefaults: loadDefaultRbac() });
    const ui = open({ actions: { whoCan: (exploration, query) => whoCanIn({ ...exploration, inventory, model }, query) } });
    await ui.waitFor('ServiceAccounts');
    await ui.press('w');
    await ui.type('create pods');
    await ui.press(keys.enter);
    const screen = flat(await ui.waitFor('Incomplete'));
    expect(screen).toContain('Incomplete: could not read ClusterRoleBindings (forbidden): more subjects may be allowed');
    expect(screen).toContain('nobody, through the RBAC that could be read');
  });

  it('says who-can input errors in the dialog, and Esc closes it', async () => {
    const ui = open();
    await ui.waitFor('ServiceAccounts');
    await ui.press('w');
    await ui.type('get nosuchthings');
    await ui.press(keys.enter);
    await ui.waitFor('error:');
    await ui.press(keys.escape);
    expect(ui.frame()).toContain('ServiceAccounts ·');
  });

  it('has no token key on files: t says why and the footer does not offer it', async () => {
    const ui = open();
    await ui.waitFor('ServiceAccounts');
    expect(lineWith(ui.frame(), 'quit')).not.toContain('token');
    await ui.press('t');
    expect(ui.frame()).toContain('tokens are created on a live cluster');
  });

  it('shows ? help with every key, the columns and the load’s warnings', async () => {
    const ui = open({ size: { columns: 160, rows: 50 } });
    await ui.waitFor('ServiceAccounts');
    await ui.press('?');
    const screen = ui.frame();
    for (const text of ['Keys', 'Columns', 'BECOME', 'Warnings and notes', 'who can VERB RESOURCE']) expect(screen).toContain(text);
    await ui.press('?');
    expect(ui.frame()).toContain('ServiceAccounts ·');
  });

  it('quits with q and exit code 0', async () => {
    const ui = open();
    await ui.waitFor('ServiceAccounts');
    await ui.press('q');
    expect(ui.exitCode()).toBe(0);
  });
});

describe('the fix dialog', () => {
  /** shop/default, its Findings tab filtered to SA001 (default ServiceAccount automount), that finding selected. */
  async function selectSa001(ui: Driven): Promise<void> {
    await selectAccount(ui, 'shop/default');
    await ui.press(keys.enter, '/');
    await ui.type('rule:SA001');
    await ui.press(keys.enter);
    // One finding of the account's is SA001: the Findings tab says so (1/1 of all of them).
    await ui.waitFor(/── 1\/1 of \d+/);
  }

  it('shows the plan and its diff for the selected finding, and n cancels with nothing applied', async () => {
    const applied: unknown[] = [];
    const ui = open({ actions: { applyFix: async (plan) => (applied.push(plan), Promise.reject(new Error('not expected'))) } });
    await selectSa001(ui);
    await ui.press('f');
    const screen = flat(await ui.waitFor('Nothing has been changed.'));
    // The plan as `kubectl sa fix` prints it: the ServiceAccount opted out, and the workloads that use its
    // permissions opted in, in the manifest that declares them.
    expect(screen).toContain('Would change 3 object(s) in 1 file(s):');
    expect(screen).toContain('ServiceAccount shop/default (');
    expect(screen).toContain('SA001 → set automountServiceAccountToken: false on the ServiceAccount');
    expect(screen).toContain('+automountServiceAccountToken: false');
    expect(screen).toContain('y writes 1 file(s), backup first');
    // The rest of the diff is a page down.
    expect(screen).not.toContain('+ automountServiceAccountToken: true');
    await ui.press(' ');
    expect(flat(ui.frame())).toContain('+ automountServiceAccountToken: true');
    await ui.press('n');
    await ui.waitFor('ServiceAccounts ·');
    expect(ui.frame()).not.toContain('fix SA001');
    expect(applied).toEqual([]);
  });

  it('applies on y through the fix use case, shows the backup and how to undo, and reads the input again on Esc', async () => {
    let loads = 0;
    const applied: FixPlanResult[] = [];
    const ui = open({
      load: async () => (loads++, loaded),
      actions: {
        applyFix: async (plan) => {
          applied.push(plan);
          return { backupDir: '/backups/20261201T120000Z-abc123', files: plan.files.map((file) => file.file), results: new Map() };
        },
      },
    });
    await selectSa001(ui);
    await ui.press('f');
    await ui.waitFor('Nothing has been changed.');
    await ui.press('y');
    const screen = flat(await ui.waitFor('Done.'));
    expect(screen).toContain('Changed 3 object(s) in 1 file(s):');
    expect(screen).toContain('undo: kubectl sa fix --undo /backups/20261201T120000Z-abc123 --write');
    expect(applied).toHaveLength(1);
    expect(applied[0]!.plan.changes.map((change) => `${change.object.kind}/${change.object.name}`).sort()).toEqual([
      'Deployment/cart',
      'Deployment/storefront',
      'ServiceAccount/default',
    ]);
    expect(loads).toBe(1);
    await ui.press(keys.escape);
    await ui.waitFor('refreshed');
    expect(loads).toBe(2);
  });

  it('on a cluster, runs a server dry run after y and applies nothing when the API server refuses a change', async () => {
    const applied: unknown[] = [];
    const ui = open({
      actions: {
        // The same plan, as if read from a cluster; the server's answer to its dry run is a refusal.
        planFix: async (exploration, findings) => ({ ...(await planFindingFixes(exploration, findings)), origin: 'cluster', files: [] }),
        dryRunFix: async (plan) =>
          new Map(
            plan.plan.changes.map((change) => [
              change,
              { outcome: 'failed' as const, notes: ['the API server refused it: admission webhook "policy" denied the request'], diff: '' },
            ]),
          ),
        applyFix: async (plan) => (applied.push(plan), Promise.reject(new Error('not expected'))),
      },
    });
    await selectSa001(ui);
    await ui.press('f');
    expect(flat(await ui.waitFor('Nothing has been changed.'))).toContain('y applies 3 change(s) to');
    await ui.press('y');
    const screen = flat(await ui.waitFor('refused a change in the dry run'));
    expect(screen).toContain('nothing was changed');
    expect(screen).toContain('[failed]');
    expect(screen).toContain('admission webhook "policy" denied the request');
    expect(applied).toEqual([]);
  });

  it('says when the selected finding has no automatic fix, and opens no dialog', async () => {
    const ui = open();
    await selectAccount(ui, 'shop/ci-deployer');
    // shop/ci-deployer's first finding: RBAC001, a cluster-admin binding, which no pack fixes automatically.
    await ui.press(keys.enter, 'f');
    expect(await ui.waitFor('has no automatic fix')).toContain('RBAC001 has no automatic fix');
    expect(ui.frame()).not.toContain('fix RBAC001');
  });
});

describe('the token dialog', () => {
  it('creates a token with the typed duration and audience, shows it masked, reveals and copies it on request', async () => {
    const signer = await testSigner();
    const token = await signer.sign(boundClaims(now, { sub: 'system:serviceaccount:shop:ci-deployer', aud: ['vault'] }));
    const requests: unknown[] = [];
    const copied: string[] = [];
    // A live cluster is what offers `t`; this exploration claims one, and the token use case is replaced.
    const live: Outcome<Exploration> = { ...loaded, data: { ...loaded.data, connection: {} as ClusterConnection } };
    const ui = open({
      load: async () => live,
      actions: {
        createToken: async (_exploration, request) => {
          requests.push(request);
          return {
            tokenRequest: {
              apiVersion: 'authentication.k8s.io/v1',
              kind: 'TokenRequest',
              metadata: {},
              spec: { audiences: ['vault'], expirationSeconds: 1800 },
              status: { token, expirationTimestamp: '2026-12-01T12:30:00Z' },
            },
            requestedSeconds: 1800,
            grantedSeconds: 1800,
            warnings: [],
          } as unknown as CreatedToken;
        },
        copy: async (text) => {
          copied.push(text);
          return 'copied to the clipboard with test-clipboard';
        },
      },
    });
    await selectAccount(ui, 'shop/ci-deployer');
    expect(lineWith(ui.frame(), 'quit')).toContain('token');
    await ui.press('t');
    await ui.waitFor('Token for ServiceAccount shop/ci-deployer');
    await ui.press(keys.backspace, keys.backspace);
    await ui.type('30m');
    await ui.press(keys.tab);
    await ui.type('vault');
    await ui.press(keys.enter);
    let screen = await ui.waitFor('hidden');
    expect(requests).toEqual([{ namespace: 'shop', name: 'ci-deployer', durationSeconds: 1800, audiences: ['vault'] }]);
    expect(screen).not.toContain(token.slice(0, 40));
    expect(screen).not.toContain(token.split('.')[2]!.slice(0, 16));
    expect(screen).toMatch(/audience: vault/);
    expect(screen).toMatch(/subject: system:serviceaccount:shop:ci-deployer/);
    await ui.press('v');
    screen = ui.frame();
    expect(screen.replace(/[║│\s]/g, '')).toContain(token);
    await ui.press('v');
    expect(ui.frame()).not.toContain(token.slice(0, 40));
    await ui.press('c');
    await ui.waitFor('copied to the clipboard with test-clipboard');
    expect(copied).toEqual([token]);
    await ui.press(keys.escape);
    expect(ui.frame()).toContain('ServiceAccounts ·');
    expect(ui.frame()).not.toContain('hidden');
  });

  it('refuses a duration the API would refuse, before asking it', async () => {
    const live: Outcome<Exploration> = { ...loaded, data: { ...loaded.data, connection: {} as ClusterConnection } };
    let asked = false;
    const ui = open({
      load: async () => live,
      actions: {
        createToken: async () => {
          asked = true;
          throw new Error('should not be asked');
        },
      },
    });
    await ui.waitFor('ServiceAccounts');
    await ui.press('t');
    await ui.press(keys.backspace, keys.backspace);
    await ui.type('5m');
    await ui.press(keys.enter);
    await ui.waitFor('too short');
    expect(asked).toBe(false);
  });
});

describe('loading and errors', () => {
  it('shows what it is reading while it loads', async () => {
    let finish: (value: Outcome<Exploration>) => void = () => undefined;
    const ui = open({
      load: (onStage) =>
        new Promise((resolve) => {
          onStage('reading');
          finish = resolve;
        }),
    });
    expect(await ui.waitFor('Reading examples/')).toContain('q quits');
    finish(loaded);
    await ui.waitFor('ServiceAccounts');
  });

  it('shows why a cluster cannot be read and how to use -f instead; q exits with the error’s code', async () => {
    const ui = open({
      load: async () => Promise.reject(new ClusterError('cannot reach the cluster at https://127.0.0.1:1: connection refused')),
    });
    const screen = await ui.waitFor('connection refused');
    expect(screen).toContain('kubectl sa -f PATH');
    await ui.press('q');
    expect(ui.exitCode()).toBe(3);
  });
});

describe('the screen', () => {
  const sizes = [
    { columns: 60, rows: 12 },
    { columns: 80, rows: 24 },
    { columns: 120, rows: 30 },
    { columns: 200, rows: 60 },
  ];

  it.each(sizes)('is never taller or wider than a $columns×$rows terminal', async (size) => {
    const ui = open({ size });
    await ui.waitFor('kubectl sa');
    for (const key of ['', keys.enter, '2', keys.pageDown, '?', '?', keys.escape, keys.escape]) {
      await ui.press(key);
      const lines = ui.frame().split('\n');
      expect(lines.length).toBeLessThanOrEqual(size.rows);
      for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(size.columns);
    }
  });

  it('lays out again on resize: one pane when narrow, three when wide', async () => {
    const ui = open({ size: { columns: 200, rows: 30 } });
    await ui.waitFor('ServiceAccounts');
    expect(ui.frame()).toContain('Namespaces');
    expect(ui.frame()).toContain('[Findings');
    ui.resize({ columns: 70, rows: 20 });
    await ui.waitFor(/^(?![\s\S]*Namespaces)[\s\S]*ServiceAccounts/);
    expect(ui.frame()).not.toContain('[Findings');
    ui.resize({ columns: 40, rows: 10 });
    await ui.waitFor(/needs\s+at\s+least\s+60×12/);
    ui.resize({ columns: 200, rows: 30 });
    await ui.waitFor('[Findings');
  });

  it('spells severities out, and passes no colour to Ink with NO_COLOR', async () => {
    const plain = open({ colour: false });
    const screen = await plain.waitFor('ServiceAccounts');
    for (const badge of ['CRIT', 'HIGH', 'ok']) expect(screen).toContain(badge);
    expect(screen).not.toMatch(/\u001B\[3\dm/);
  });
});
