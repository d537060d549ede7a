import { describe, expect, it } from 'vitest';
import { aggregateAuditLogs } from '../../src/app/audit-usage.js';
import type { AuditEvent } from '../../src/usage/audit-event.js';
import { UsageAggregator } from '../../src/usage/usage-aggregator.js';
import type { RequestUsage, ServiceAccountUsage, UsageLog } from '../../src/usage/usage-types.js';
import { harnessEvents, harnessLogPath, harnessLogText, scratchDir, writeScratch } from '../helpers/audit-fixture.js';

/** The harness log read by the product, once for the file. */
const logOf = (() => {
  let cached: Promise<UsageLog> | undefined;
  return () => (cached ??= aggregateAuditLogs({ paths: [harnessLogPath] }).then((read) => read.log));
})();

function account(log: UsageLog, name: string): ServiceAccountUsage {
  const found = log.serviceAccounts.find((usage) => usage.namespace === 'shop' && usage.name === name);
  if (!found) throw new Error(`no usage for shop/${name}`);
  return found;
}

function row(usage: ServiceAccountUsage, verb: string, resource: string, name = ''): RequestUsage | undefined {
  return usage.requests.find(
    (entry) => entry.verb === verb && (entry.resource || entry.nonResourceURL) === resource && entry.name === name,
  );
}

describe('usage of the replayed ServiceAccounts, from the audit log the real API server wrote', () => {
  it('counts each request once, whatever stages were logged (RequestReceived, ResponseStarted, ResponseComplete)', async () => {
    const log = await logOf();
    const events = harnessEvents();
    expect(events.some((event) => event.stage === 'RequestReceived')).toBe(true);
    expect(events.some((event) => event.stage === 'ResponseStarted')).toBe(true);
    expect(log.requests).toBe(new Set(events.map((event) => event.auditID)).size);
    expect(log.stagesFolded).toBe(events.length - log.requests);
    // The watch was logged in three stages and is one request.
    expect(row(account(log, 'cart'), 'watch', 'pods')?.count).toBe(1);
  });

  it('sees the window of every event, not only the ServiceAccounts’', async () => {
    const log = await logOf();
    const events = harnessEvents();
    const first = events.map((event) => event.requestReceivedTimestamp).sort()[0];
    const last = events
      .map((event) => event.stageTimestamp)
      .sort()
      .at(-1);
    expect(log.window).toEqual({ firstSeen: first, lastSeen: last });
  });

  it('records what cart did with its pod-bound token: allowed, denied, the pod and node it was bound to', async () => {
    const cart = account(await logOf(), 'cart');
    expect(row(cart, 'get', 'pods', 'cart-0')).toMatchObject({ count: 1, allowed: 1, denied: 0, codes: [{ code: 200, count: 1 }] });
    // One list with its own token, one by the impersonator acting as cart.
    expect(row(cart, 'list', 'pods')).toMatchObject({ count: 2, allowed: 2 });
    expect(row(cart, 'get', 'configmaps', 'kube-root-ca.crt')).toMatchObject({ count: 2, allowed: 2 });
    // Allowed by RBAC (the Role names cart-tls), answered 404: still a permission it used.
    expect(row(cart, 'get', 'secrets', 'cart-tls')).toMatchObject({ allowed: 1, denied: 0, codes: [{ code: 404, count: 1 }] });
    expect(row(cart, 'list', 'secrets')).toMatchObject({ allowed: 0, denied: 1, codes: [{ code: 403, count: 1 }] });
    // RBAC saw no name for a create; the log's objectRef carries the body's name, which must not count.
    expect(row(cart, 'create', 'configmaps')).toMatchObject({ denied: 1 });
    expect(row(cart, 'create', 'configmaps', 'x')).toBeUndefined();
    expect(cart.pods).toEqual([{ value: 'cart-0', count: cart.count - 1 }]);
    expect(cart.nodes).toEqual([{ value: 'node-a', count: cart.count - 1 }]);
    expect(cart.impersonatedBy).toEqual([{ value: 'system:serviceaccount:shop:impersonator', count: 1 }]);
    expect(cart.userAgents.map((tally) => tally.value)).toEqual(['kubectl-sa-replay/1.0']);
    expect(cart.alerts.map((alert) => alert.id)).toEqual(['secrets-read', 'rbac-denied']);
  });

  it('attributes a legacy token Secret and flags its use', async () => {
    const legacy = account(await logOf(), 'legacy');
    expect(legacy.legacyTokens).toEqual([expect.objectContaining({ secret: 'legacy-token', kind: 'manual', count: legacy.count })]);
    expect(legacy.alerts.find((alert) => alert.id === 'legacy-token')?.detail).toContain('Secret shop/legacy-token (manual)');
    expect(account(await logOf(), 'cart').legacyTokens).toEqual([]);
  });

  it("flags the default ServiceAccount's calls, and the impersonator's impersonate check", async () => {
    const log = await logOf();
    expect(account(log, 'default').alerts.map((alert) => alert.id)).toEqual(['default-sa-call', 'rbac-denied']);
    expect(row(account(log, 'impersonator'), 'impersonate', 'serviceaccounts', 'cart')).toMatchObject({ namespace: 'shop', allowed: 1 });
    expect(row(account(log, 'deployer'), 'create', 'deployments')).toMatchObject({ apiGroup: 'apps', name: '', allowed: 1 });
    expect(row(account(log, 'deployer'), 'patch', 'deployments', 'web')).toMatchObject({ denied: 1 });
  });

  it('flags calls from unexpected clients and addresses, per ServiceAccount or for all', async () => {
    const { log } = await aggregateAuditLogs({
      paths: [harnessLogPath],
      expectations: {
        userAgents: [{ serviceAccount: { namespace: 'shop', name: 'cart' }, pattern: 'cart/*' }, { pattern: 'kubectl-sa-*/1.*' }],
        sourceIPs: [{ serviceAccount: { namespace: 'shop', name: 'legacy' }, cidr: '10.0.0.0/8' }, { cidr: '127.0.0.0/8' }],
      },
    });
    const cart = account(log, 'cart');
    // Its own calls (not the one made by impersonation) come from kubectl-sa-replay, not cart/*.
    expect(cart.unexpected.userAgent?.count).toBe(cart.count - 1);
    expect(cart.unexpected.sourceIP).toBeNull();
    expect(account(log, 'legacy').unexpected.sourceIP?.count).toBe(account(log, 'legacy').count);
    expect(account(log, 'legacy').unexpected.userAgent).toBeNull();
    expect(account(log, 'legacy').alerts.map((alert) => alert.id)).toContain('unexpected-source-ip');
  });
});

describe('stages read in part', () => {
  it('a ServiceAccount request logged without its final stage counts with all it says, though its line was only skimmed', async () => {
    const lines = harnessLogText()
      .split('\n')
      .filter((line) => line !== '');
    const started = lines.find(
      (line) => line.includes('"stage":"RequestReceived"') && line.includes('"username":"system:serviceaccount:shop:cart"'),
    );
    const id = (JSON.parse(started ?? '{}') as { auditID: string }).auditID;
    const withoutFinal = lines.filter((line) => !(line.includes(`"auditID":"${id}"`) && line !== started));
    const file = writeScratch(scratchDir(), 'audit.log', `${withoutFinal.join('\n')}\n`);
    const cut = await aggregateAuditLogs({ paths: [file] });
    const whole = await logOf();
    expect(cut.log.requests).toBe(whole.requests);
    // Counted by the RequestReceived stage: the same request, without the response's code.
    const rows = (log: UsageLog) =>
      account(log, 'cart').requests.map((entry) => `${entry.verb} ${entry.resource || entry.nonResourceURL} ${entry.name} ${entry.count}`);
    expect(rows(cut.log)).toEqual(rows(whole));
    expect(account(cut.log, 'cart').pods).toEqual(account(whole, 'cart').pods);
  });
});

describe('UsageAggregator on hand-made stage sequences', () => {
  const event = (auditID: string | undefined, stage: string, overrides: Partial<AuditEvent> = {}): AuditEvent => ({
    ...(auditID === undefined ? {} : { auditID }),
    stage,
    verb: 'get',
    user: { username: 'system:serviceaccount:a:b' },
    objectRef: { resource: 'pods', namespace: 'a', name: 'p' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2024-05-01T00:00:00.000000Z',
    stageTimestamp: '2024-05-01T00:00:01.000000Z',
    ...overrides,
  });

  it('a request whose final stage never came counts once, by its last stage', () => {
    const aggregator = new UsageAggregator();
    aggregator.add(event('1', 'RequestReceived', { responseStatus: {} }));
    aggregator.add(event('1', 'ResponseStarted', { responseStatus: { code: 200 } }));
    const log = aggregator.finish();
    expect(log.requests).toBe(1);
    expect(log.serviceAccounts[0]?.requests[0]?.codes).toEqual([{ code: 200, count: 1 }]);
  });

  it('a repeated final stage and a late earlier stage are folded, events without auditID all count', () => {
    const aggregator = new UsageAggregator();
    aggregator.add(event('1', 'ResponseComplete'));
    aggregator.add(event('1', 'ResponseComplete'));
    aggregator.add(event('1', 'RequestReceived'));
    aggregator.add(event(undefined, 'ResponseComplete'));
    aggregator.add(event(undefined, 'ResponseComplete'));
    const log = aggregator.finish();
    expect(log.requests).toBe(3);
    expect(log.stagesFolded).toBe(2);
  });

  it('keeps memory bounded: beyond the pending limit the oldest waiting request counts early, still once', () => {
    const aggregator = new UsageAggregator({ pendingLimit: 2 });
    for (const id of ['1', '2', '3']) aggregator.add(event(id, 'ResponseStarted'));
    aggregator.add(event('1', 'ResponseComplete'));
    const log = aggregator.finish();
    expect(log.requests).toBe(3);
  });

  it('caps distinct names per request shape, counting the rest together', () => {
    const aggregator = new UsageAggregator({ namesPerShape: 2 });
    for (const name of ['a', 'b', 'c', 'd', 'c'])
      aggregator.add(event(undefined, 'ResponseComplete', { objectRef: { resource: 'pods', namespace: 'a', name } }));
    const rows = aggregator.finish().serviceAccounts[0]?.requests ?? [];
    expect(rows.map((entry) => [entry.name, entry.otherNames, entry.count])).toEqual([
      ['a', false, 1],
      ['b', false, 1],
      ['', true, 3],
    ]);
  });

  it('keeps apart the request shapes that share a resource: by verb, namespace, group and subresource', () => {
    const shapes: [string, Partial<NonNullable<AuditEvent['objectRef']>>, number][] = [
      ['get', { namespace: 'a' }, 3],
      ['list', { namespace: 'a' }, 2],
      ['get', { namespace: 'b' }, 1],
      ['get', { namespace: 'a', subresource: 'status' }, 4],
      ['get', { namespace: 'a', apiGroup: 'metrics.k8s.io' }, 5],
    ];
    const aggregator = new UsageAggregator();
    // Interleaved, so that each shape is met again after the others.
    for (let round = 0; round < 5; round++)
      for (const [verb, ref, times] of shapes)
        if (round < times)
          aggregator.add(event(undefined, 'ResponseComplete', { verb, objectRef: { resource: 'pods', name: 'p', ...ref } }));
    const rows = aggregator.finish().serviceAccounts[0]?.requests ?? [];
    const key = (verb: string, ref: Partial<NonNullable<AuditEvent['objectRef']>>) =>
      [verb, ref.namespace ?? '', ref.apiGroup ?? '', ref.subresource ?? ''].join(' ');
    expect(new Map(rows.map((row) => [key(row.verb, row), row.count]))).toEqual(
      new Map(shapes.map(([verb, ref, times]) => [key(verb, ref), times])),
    );
  });

  it("the log's window runs from the earliest time to the latest, in whatever order the events come", () => {
    const at = (second: number) => `2024-05-01T00:00:0${second}.000000Z`;
    // [received, stage] per event; undefined: not logged. The earliest time is a request received before others
    // met earlier in the log; a stage time without a received one comes close; a stamp no clock reads counts for
    // nothing.
    const events: [string | undefined, string | undefined][] = [
      [at(4), at(5)],
      [at(6), at(7)],
      [at(3), at(8)],
      ['yesterday', at(6)],
      [undefined, at(2)],
      [at(1), at(6)],
    ];
    const orders = [events, [...events].reverse(), [events[1]!, events[4]!, events[0]!, events[5]!, events[2]!, events[3]!]];
    for (const order of orders) {
      const aggregator = new UsageAggregator();
      for (const [received, staged] of order)
        aggregator.add(
          event(undefined, 'ResponseComplete', {
            ...(received === undefined ? { requestReceivedTimestamp: undefined } : { requestReceivedTimestamp: received }),
            ...(staged === undefined ? { stageTimestamp: undefined } : { stageTimestamp: staged }),
          }),
        );
      expect(aggregator.finish().window).toEqual({ firstSeen: at(1), lastSeen: at(8) });
    }
  });

  it('first and last seen are the earliest and latest request, in whatever order the log has them', () => {
    // Microsecond stamps as the API server writes them, and one in another spelling (seconds only).
    const received = ['2024-05-01T00:00:03.000000Z', '2024-05-01T00:00:01.500000Z', '2024-05-01T00:00:04.000000Z', '2024-05-01T00:00:01Z'];
    for (const order of [received, [...received].reverse(), [received[2]!, received[0]!, received[3]!, received[1]!]]) {
      const aggregator = new UsageAggregator();
      for (const stamp of order)
        aggregator.add(event(undefined, 'ResponseComplete', { requestReceivedTimestamp: stamp, stageTimestamp: stamp }));
      const usage = aggregator.finish().serviceAccounts[0];
      expect([usage?.firstSeen, usage?.lastSeen]).toEqual(['2024-05-01T00:00:01Z', '2024-05-01T00:00:04.000000Z']);
      expect([usage?.requests[0]?.firstSeen, usage?.requests[0]?.lastSeen]).toEqual([
        '2024-05-01T00:00:01Z',
        '2024-05-01T00:00:04.000000Z',
      ]);
    }
  });

  it('caps the source addresses (and pods, nodes, user agents) kept: the first in sort order, whatever the order seen', () => {
    // 40 addresses, each seen (index % 3) + 1 times, in two orders; 7 are kept.
    const addresses = Array.from({ length: 40 }, (_, index) => `10.0.${index % 5}.${index}`);
    const calls = addresses.flatMap((address, index) => Array.from({ length: (index % 3) + 1 }, () => address));
    const shuffled = calls.map((address, index) => ({ address, key: (index * 7919) % calls.length })).sort((a, b) => a.key - b.key);
    const expectedKept = [...addresses].sort().slice(0, 7);
    const timesOf = (address: string) => calls.filter((each) => each === address).length;
    for (const order of [calls, shuffled.map((entry) => entry.address), [...calls].reverse()]) {
      const aggregator = new UsageAggregator({ tallyLimit: 7 });
      for (const address of order) aggregator.add(event(undefined, 'ResponseComplete', { sourceIPs: [address] }));
      const usage = aggregator.finish().serviceAccounts[0];
      expect(usage?.sourceIPs.map((tally) => tally.value).sort()).toEqual(expectedKept);
      for (const tally of usage?.sourceIPs ?? []) expect(tally.count).toBe(timesOf(tally.value));
      expect(usage?.tallyOverflow.sourceIPs).toBe(calls.length - expectedKept.reduce((sum, address) => sum + timesOf(address), 0));
    }
  });

  it('a request with an invalidated legacy token is recorded by its Secret, though no user was established', () => {
    const aggregator = new UsageAggregator();
    aggregator.add(
      event('9', 'ResponseComplete', {
        user: {},
        responseStatus: { code: 401 },
        annotations: { 'authentication.k8s.io/legacy-token-invalidated': 'old-token/ci' },
      }),
    );
    const log = aggregator.finish();
    expect(log.serviceAccounts).toEqual([]);
    expect(log.invalidatedTokens).toEqual([expect.objectContaining({ secretNamespace: 'ci', secretName: 'old-token', count: 1 })]);
  });
});
