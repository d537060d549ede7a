/**
 * What a source read completely. A rule that reasons from absence ("names a ServiceAccount that does not
 * exist") may only conclude where the input shows every object of that kind: manifest files are the whole
 * world by definition, while a cluster read shows what each list returned — one namespace or all of them,
 * or nothing when the list was forbidden or the kind is not served (or was not asked for).
 */
export type ReadState = 'listed' | 'forbidden' | 'not-served';

export interface CoverageRecord {
  readonly group: string;
  readonly kind: string;
  /** The one namespace listed; undefined for a list of every namespace or of a cluster-scoped kind. */
  readonly namespace?: string;
  readonly state: ReadState;
  /** A list narrowed by a field selector (only legacy token Secrets, say) shows only what it selected. */
  readonly fieldSelector?: string;
}

/** Why a kind in a namespace is not known completely: a read state, or `not-read` when nothing asked for it. */
export type Gap = Exclude<ReadState, 'listed'> | 'not-read';

export class Coverage {
  /** Manifest files: the input is everything there is. */
  static readonly wholeInput = new Coverage(true, []);

  /** A cluster read that listed every kind in every namespace (pack fixture cases of `origin: cluster`). */
  static readonly everythingListed = new Coverage(false, [], true);

  static ofReads(records: readonly CoverageRecord[]): Coverage {
    return new Coverage(false, records);
  }

  /** True when the input is the whole world (files), so absence is proof everywhere. */
  readonly wholeWorld: boolean;
  readonly records: readonly CoverageRecord[];
  private readonly byKind = new Map<string, CoverageRecord[]>();
  private readonly everything: boolean;

  private constructor(wholeWorld: boolean, records: readonly CoverageRecord[], everything = false) {
    this.wholeWorld = wholeWorld;
    this.everything = everything;
    this.records = records;
    for (const record of records) {
      const key = kindKey(record.group, record.kind);
      const list = this.byKind.get(key);
      if (list) list.push(record);
      else this.byKind.set(key, [record]);
    }
  }

  /** Whether every object of the kind in `namespace` (undefined: cluster-scoped, or everywhere) was read. */
  covers(group: string, kind: string, namespace?: string): boolean {
    return this.gap(group, kind, namespace) === undefined;
  }

  /** Why the kind in `namespace` is not known completely; undefined when it is. */
  gap(group: string, kind: string, namespace?: string): Gap | undefined {
    if (this.wholeWorld || this.everything) return undefined;
    const records = this.byKind.get(kindKey(group, kind)) ?? [];
    const applies = (record: CoverageRecord) => record.namespace === undefined || record.namespace === namespace;
    if (records.some((record) => record.state === 'listed' && record.fieldSelector === undefined && applies(record))) return undefined;
    const refused = records.find((record) => record.state !== 'listed' && applies(record));
    return refused && refused.state !== 'listed' ? refused.state : 'not-read';
  }
}

function kindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}
