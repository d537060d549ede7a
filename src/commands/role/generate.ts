import { Flags } from '@oclif/core';
import { progressBar } from '../../cli/audit-log-flags.js';
import { KubectlSaCommand } from '../../cli/base-command.js';
import { clusterFlags, inputFlags, outputFlag, rbacFlags } from '../../cli/flags.js';
import { ruleFlags, ruleSpecsOf } from '../../cli/rule-flags.js';
import { parseServiceAccountRef, serviceAccountFlag } from '../../cli/service-account-ref.js';
import { ExitCode, UsageError } from '../../errors/kubectl-sa-error.js';
import { roleDiffPrinters, roleManifestPrinters } from '../../report/role-manifests.js';

export default class RoleGenerate extends KubectlSaCommand {
  static override summary =
    'Generate a least-privilege Role (or ClusterRole) and binding for a ServiceAccount, from its audit log or from rules.';
  static override description =
    'With --from-audit: the minimal rules that would have allowed exactly the requests the ServiceAccount made and RBAC ' +
    'allowed, each rule explained (which requests, how many, first and last seen). Requests every authenticated identity may ' +
    'make (discovery, self reviews) and denied requests are left out; object names collapse into a rule for the whole ' +
    'resource unless --names; create never carries a name; related verbs are added only with --expand-verbs; one Role per ' +
    'namespace unless --cluster-wide (cluster-scoped resources, all-namespaces requests and URLs always need the ClusterRole). ' +
    'With --verb/--resource: the rules as kubectl create role takes them, repeatable (a --verb after a --resource starts the ' +
    'next rule). Rules are merged, compacted and sorted: the same input prints the same bytes. --diff compares with what the ' +
    'ServiceAccount holds today (read with -f or from the cluster) and exits 1 when there is something to add or drop.';
  static override examples = [
    '<%= config.bin %> role generate --from-audit /var/log/kubernetes/audit/ --sa shop:cart > cart-rbac.yaml',
    '<%= config.bin %> role generate --from-audit audit.log --sa shop:cart --diff -f manifests/',
    '<%= config.bin %> role generate --sa shop:cart --verb get,list,watch --resource pods,services --verb create --resource deployments.apps',
    '<%= config.bin %> role generate --sa ops:backup --verb get --resource secrets --resource-name db-creds --cluster-wide --diff',
  ];
  static override flags = {
    ...serviceAccountFlag,
    'from-audit': Flags.string({
      description:
        'Build the rules from what the ServiceAccount did: an audit log file (plain or gzip), a folder of rotated logs, or -; repeatable.',
      multiple: true,
      multipleNonGreedy: true,
      helpGroup: 'AUDIT LOG',
    }),
    ...ruleFlags,
    names: Flags.boolean({
      description: 'Keep the object names the requests used (resourceNames); without it a rule allows every object of its resource.',
      default: false,
    }),
    'expand-verbs': Flags.boolean({
      description: 'Add related verbs: get/list/watch bring each other, update brings patch and back.',
      default: false,
    }),
    'cluster-wide': Flags.boolean({
      description: 'One ClusterRole and ClusterRoleBinding for everything, instead of a Role per namespace.',
      default: false,
    }),
    name: Flags.string({
      description: 'Name of the generated roles and bindings (default kubectl-sa:NAME, for the ClusterRole kubectl-sa:NAMESPACE:NAME).',
    }),
    diff: Flags.boolean({
      description:
        'Compare with what the ServiceAccount holds today (from -f or the cluster) instead of printing the manifests; exit 1 when they differ.',
      default: false,
    }),
    ...inputFlags,
    ...clusterFlags,
    ...rbacFlags,
    ...outputFlag(['yaml', 'json', 'table']),
  };

  async run(): Promise<void> {
    const { flags, raw } = await this.parse(RoleGenerate);
    if (!flags.sa)
      throw new UsageError('which ServiceAccount? pass --sa NAMESPACE:NAME', {
        hint: 'for example: kubectl sa role generate --from-audit audit.log --sa shop:cart',
      });
    const serviceAccount = parseServiceAccountRef(flags.sa);
    const rules = ruleSpecsOf(raw);
    const fromAudit = flags['from-audit'] ?? [];
    if (fromAudit.length > 0 && rules.length > 0) throw new UsageError('give either --from-audit or --verb/--resource rules, not both');
    if (fromAudit.length === 0 && rules.length === 0) {
      throw new UsageError('nothing to generate from: pass --from-audit PATH or rules (--verb VERBS --resource TYPES)', {
        hint: 'for example: kubectl sa role generate --sa shop:cart --verb get,list --resource pods',
      });
    }
    if (fromAudit.length === 0 && flags.names)
      throw new UsageError('--names applies to --from-audit (use --resource-name with --verb rules)');
    if (!flags.diff && (flags.filename?.length ?? 0) > 0)
      throw new UsageError('-f is read only for --diff (what the ServiceAccount holds today)');
    if (fromAudit.includes('-') && (flags.filename ?? []).includes('-'))
      throw new UsageError('stdin can feed either --from-audit - or -f -, not both');
    // -o: the manifests print as yaml (default) or json; a --diff as text (default), json or yaml.
    const asked = raw.find((token) => token.type === 'flag' && token.flag === 'output') ? flags.output : undefined;
    if (!flags.diff && asked === 'table') throw new UsageError('-o table shows a --diff; the generated roles print as yaml or json');

    // The log reader (zlib) and the cluster source load only when this command runs.
    const { generateRole } = await import('../../app/role-generate.js');
    const progress = progressBar(this.io.stderr);
    try {
      const outcome = await generateRole({
        serviceAccount,
        from:
          fromAudit.length > 0
            ? { kind: 'audit', auditLog: { paths: fromAudit, onProgress: progress.onProgress, stdin: this.io.stdin }, names: flags.names }
            : { kind: 'rules', rules, namespace: flags.namespace },
        expandVerbs: flags['expand-verbs'],
        clusterWide: flags['cluster-wide'],
        name: flags.name,
        diff: flags.diff ? { input: this.inputFrom(flags), defaultRbac: flags['default-rbac'] } : undefined,
      });
      progress.done();
      this.report(outcome);
      if (!flags.diff) {
        await this.print(roleManifestPrinters, outcome.data, asked ?? 'yaml');
        return;
      }
      await this.print(roleDiffPrinters, outcome.data, asked ?? 'table');
      // As kubectl diff: 1 when applying the generated roles (and dropping the rest) would change something.
      if (outcome.data.diff?.changes) this.setExitCode(ExitCode.findings);
    } finally {
      progress.done();
    }
  }
}
