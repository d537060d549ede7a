/**
 * Where a ServiceAccount's calls are expected to come from (`--expect-user-agent`, `--expect-source-ip`):
 * for every ServiceAccount, or one. Expectations named for a ServiceAccount replace the general ones for
 * it; a call is unexpected when expectations apply to its ServiceAccount and none of them matches.
 */
import { BlockList, isIP } from 'node:net';
import type { CallExpectations } from './usage-aggregator.js';

export interface ServiceAccountScope {
  readonly namespace: string;
  readonly name: string;
}

export interface UserAgentExpectation {
  /** Undefined: every ServiceAccount. */
  readonly serviceAccount?: ServiceAccountScope | undefined;
  /** A glob: `*` matches any run of characters, everything else itself. */
  readonly pattern: string;
}

export interface SourceIpExpectation {
  readonly serviceAccount?: ServiceAccountScope | undefined;
  /** An address or CIDR, IPv4 or IPv6. */
  readonly cidr: string;
}

export interface Expectations {
  readonly userAgents: readonly UserAgentExpectation[];
  readonly sourceIPs: readonly SourceIpExpectation[];
}

/** `10.0.0.0/8`, `10.1.2.3`, `fd00::/8`: the address family and prefix, or undefined when malformed. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefix = slash === -1 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (slash !== -1 && !/^\d+$/.test(text.slice(slash + 1)))) return undefined;
  return { address, prefix, family };
}

/** Answers, per ServiceAccount (cached), whether a user agent or a source IP chain is expected. */
export class ExpectationMatcher implements CallExpectations {
  private readonly expectations: Expectations;
  private readonly userAgentCache = new Map<string, readonly string[]>();
  private readonly ipCache = new Map<string, BlockList | null>();

  constructor(expectations: Expectations) {
    this.expectations = expectations;
  }

  get active(): boolean {
    return this.expectations.userAgents.length > 0 || this.expectations.sourceIPs.length > 0;
  }

  /** False only when user-agent expectations apply to this ServiceAccount and none matches. */
  userAgentExpected(namespace: string, name: string, userAgent: string): boolean {
    const key = `${namespace}/${name}`;
    let patterns = this.userAgentCache.get(key);
    if (!patterns) {
      patterns = applicable(this.expectations.userAgents, namespace, name).map((expectation) => expectation.pattern);
      this.userAgentCache.set(key, patterns);
    }
    return patterns.length === 0 || patterns.some((pattern) => globMatches(pattern, userAgent));
  }

  /**
   * False only when source-IP expectations apply and some address of the chain (X-Forwarded-For entries,
   * then the address that connected) lies outside them: a forged X-Forwarded-For cannot hide where the
   * connection really came from, and proxies on the way must be listed too.
   */
  sourceExpected(namespace: string, name: string, sourceIPs: readonly string[]): boolean {
    const key = `${namespace}/${name}`;
    let list = this.ipCache.get(key);
    if (list === undefined) {
      const cidrs = applicable(this.expectations.sourceIPs, namespace, name).map((expectation) => expectation.cidr);
      list = cidrs.length === 0 ? null : blockListOf(cidrs);
      this.ipCache.set(key, list);
    }
    if (list === null) return true;
    if (sourceIPs.length === 0) return false;
    const blocks = list;
    return sourceIPs.every((ip) => {
      const version = isIP(ip);
      return version !== 0 && blocks.check(ip, version === 4 ? 'ipv4' : 'ipv6');
    });
  }
}

/** The expectations named for this ServiceAccount, else the general ones. */
function applicable<T extends { readonly serviceAccount?: ServiceAccountScope | undefined }>(
  all: readonly T[],
  namespace: string,
  name: string,
): T[] {
  const own = all.filter((expectation) => expectation.serviceAccount?.namespace === namespace && expectation.serviceAccount.name === name);
  return own.length > 0 ? own : all.filter((expectation) => expectation.serviceAccount === undefined);
}

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const parsed = parseCidr(cidr);
    if (parsed) list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return list;
}

/** `*` matches any run of characters; linear-time greedy matching with backtracking to the last star only. */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
