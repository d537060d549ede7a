import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterError } from '../../errors/kubectl-sa-error.js';

export interface Impersonation {
  readonly user?: string | undefined;
  readonly groups?: readonly string[] | undefined;
}

export interface ApiClientOptions {
  readonly impersonate?: Impersonation;
  /**
   * --request-timeout: how long the whole command may wait for the cluster, from the client's creation.
   * When it is spent, every request still waiting is abandoned and the command fails.
   */
  readonly totalTimeoutMs?: number | undefined;
  /**
   * Without --request-timeout: give up on a request that gets no answer for this long (no bytes at all),
   * and with it on the whole command. Undefined (with --request-timeout=0) waits forever, as kubectl does.
   */
  readonly answerTimeoutMs?: number | undefined;
  /** Requests in flight at once. Kept small: we must never be the reason an API server throttles. */
  readonly maxInFlight?: number;
  readonly maxAttempts?: number;
  /** Base delay of the exponential backoff; tests shorten it. */
  readonly backoffMs?: number;
  /** Told when each request starts and ends, for a progress display on a terminal. */
  readonly progress?: RequestProgress | undefined;
}

/** What a progress display hears: each request as it starts (with what it reads) and ends. */
export interface RequestProgress {
  started(id: number, what: string): void;
  ended(id: number): void;
}

/** The default answer timeout: what `kubectl` users expect before a silent server is given up on. */
export const defaultAnswerTimeoutMs = 60_000;

/**
 * A non-2xx answer from the API server: a cluster error (exit 3) whose one-line message says what we asked
 * (method and path), the status and the server's own words, as `kubectl` prints `Error from server (…)`.
 * Callers that can go on without the answer (a kind we may not list) catch it; anything else reaches the
 * top-level handler as it is.
 */
export class ApiStatusError extends ClusterError {
  readonly status: number;
  /** The Status `reason` (Forbidden, NotFound…) when the server sent a Status object. */
  readonly reason: string | undefined;
  readonly method: string;
  readonly path: string;
  /** The server's message, on one line. */
  readonly serverMessage: string;

  constructor(status: number, method: string, path: string, reason: string | undefined, serverMessage: string) {
    const flat = oneLine(serverMessage);
    super(`${method} ${path}: the server answered ${status} ${reason ?? statusText(status)}: ${flat}`, { hint: hintFor(status) });
    this.status = status;
    this.method = method;
    this.path = path;
    this.reason = reason;
    this.serverMessage = flat;
  }
}

function statusText(status: number): string {
  return http.STATUS_CODES[status] ?? 'Error';
}

/** Server messages can hold newlines (HTML from a proxy, wrapped webhook errors): one line, bounded. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 500 ? `${flat.slice(0, 497)}...` : flat;
}

function hintFor(status: number): string | undefined {
  if (status === 401) return 'the cluster does not accept our credentials: check the user of the current context, or log in again';
  if (status === 403) return 'ask for that permission, or use --context/--as to act as someone who has it';
  if (status === 404) return "the server does not serve this path: check the server URL of the kubeconfig's cluster";
  if (status >= 500) return 'the API server (or a proxy in front of it) failed; try again later, or ask its operators';
  return undefined;
}

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

// Connection refused is not retried: kubectl does not either, and a dead server should fail fast. Timeouts
// are not either: the wait they ended was the whole budget.
const retryableNetworkCodes = new Set(['ECONNRESET', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/**
 * A small JSON client over node:https. client-node supplies what is hard (every kubeconfig auth method:
 * client certificates, tokens, exec plugins, OIDC); this adds what it lacks for a read-mostly audit tool:
 * impersonation headers, a cap on requests in flight, time limits that hold for the whole command (a
 * silent server is given up on, and every request still waiting abandoned, so the process exits as soon as
 * it has said why), retries with backoff on 429/5xx and network errors, progress events for a terminal,
 * and a request count that tests assert on.
 */
export class ApiClient {
  readonly server: string;
  private readonly kubeConfig: KubeConfig;
  private readonly options: Required<Pick<ApiClientOptions, 'maxInFlight' | 'maxAttempts' | 'backoffMs'>> & ApiClientOptions;
  /** Epoch ms after which nothing more is waited for (--request-timeout); undefined without one. */
  private readonly deadline: number | undefined;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Requests on the wire, with their progress ids. */
  private readonly active = new Map<http.ClientRequest, number>();
  private readonly pauses = new Set<{ readonly timer: NodeJS.Timeout; readonly wake: () => void }>();
  private nextId = 0;
  /** Set once the command has given up: every request still waiting fails with it at once. */
  private gaveUp: Error | undefined;
  /** Every HTTP request sent, retries included. */
  requestCount = 0;
  /** Requests sent again after a 429, a 5xx or a network error. */
  retryCount = 0;

  constructor(kubeConfig: KubeConfig, options: ApiClientOptions = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new ClusterError('the kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
    this.kubeConfig = kubeConfig;
    this.options = { maxInFlight: 4, maxAttempts: 5, backoffMs: 250, ...options };
    this.deadline = options.totalTimeoutMs === undefined ? undefined : Date.now() + options.totalTimeoutMs;
  }

  async getJson<T>(path: string, query: Record<string, string | undefined> = {}, headers: Record<string, string> = {}): Promise<T> {
    return this.requestJson<T>('GET', path, query, undefined, headers);
  }

  async postJson<T>(
    path: string,
    body: unknown,
    query: Record<string, string | undefined> = {},
    headers: Record<string, string> = {},
  ): Promise<T> {
    return this.requestJson<T>('POST', path, query, JSON.stringify(body), { 'Content-Type': 'application/json', ...headers });
  }

  /** PATCH with the given patch type (JSON Patch, merge patch, strategic merge patch). */
  async patchJson<T>(
    path: string,
    patch: unknown,
    contentType: string,
    query: Record<string, string | undefined> = {},
    headers: Record<string, string> = {},
  ): Promise<T> {
    return this.requestJson<T>('PATCH', path, query, JSON.stringify(patch), { 'Content-Type': contentType, ...headers });
  }

  /** DELETE with a body (DeleteOptions: preconditions, dryRun; the server reads no options from the query once there is a body). */
  async deleteJson<T>(
    path: string,
    body: unknown,
    query: Record<string, string | undefined> = {},
    headers: Record<string, string> = {},
  ): Promise<T> {
    return this.requestJson<T>('DELETE', path, query, JSON.stringify(body), { 'Content-Type': 'application/json', ...headers });
  }

  /**
   * Abandons every request still waiting (a command that failed has no use for their answers): their
   * sockets are destroyed and their retries cancelled, so the process can exit as soon as it has said why.
   */
  abandon(reason: Error): void {
    this.gaveUp ??= reason;
    for (const [request, id] of this.active) {
      request.destroy(this.gaveUp);
      // Said now, not when the socket's error event comes: the progress line must be gone before the error is printed.
      this.options.progress?.ended(id);
    }
    for (const pause of this.pauses) {
      clearTimeout(pause.timer);
      pause.wake();
    }
    this.pauses.clear();
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async requestJson<T>(
    method: string,
    path: string,
    query: Record<string, string | undefined>,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, value);
    const pathWithQuery = search.size > 0 ? `${path}?${search.toString()}` : path;
    const response = await this.withRetries(method, path, () => this.send(method, pathWithQuery, path, body, headers));
    if (response.status >= 200 && response.status < 300) {
      try {
        return JSON.parse(response.body) as T;
      } catch {
        throw new ClusterError(`${this.server}${path}: the server answered with something that is not JSON`);
      }
    }
    throw statusError(response, method, path);
  }

  private async withRetries(method: string, path: string, attempt: () => Promise<RawResponse>): Promise<RawResponse> {
    for (let tries = 1; ; tries++) {
      let response: RawResponse | undefined;
      let failure: unknown;
      try {
        response = await this.limited(attempt);
      } catch (error) {
        failure = error;
      }
      if (this.gaveUp) throw this.gaveUp;
      if (isTimeout(failure)) {
        // A server that said nothing for the whole wait will not say more on a second try.
        this.abandon(this.timeoutError(method, path));
        throw this.gaveUp;
      }
      const delay = this.delayFor(tries, response);
      // No retry that could not finish before --request-timeout runs out.
      const last = tries >= this.options.maxAttempts || (this.deadline !== undefined && Date.now() + delay >= this.deadline);
      if (response && !isRetryableStatus(response.status)) return response;
      if (response && last) return response;
      if (failure !== undefined && (last || !isRetryableFailure(failure))) throw networkError(failure, this.server, `${method} ${path}`);
      await this.pause(delay);
      if (this.gaveUp) throw this.gaveUp;
      this.retryCount += 1;
    }
  }

  private timeoutError(method: string, path: string): ClusterError {
    const what = `${method} ${path}`;
    if (this.options.totalTimeoutMs !== undefined) {
      return new ClusterError(
        `gave up after ${seconds(this.options.totalTimeoutMs)} (--request-timeout): the cluster at ${this.server} had not answered ${what}`,
        { hint: 'the server accepts connections but does not answer in time; a larger --request-timeout waits longer (0 waits forever)' },
      );
    }
    return new ClusterError(
      `gave up after ${seconds(this.options.answerTimeoutMs ?? 0)} without an answer from the cluster at ${this.server} to ${what}`,
      {
        hint: 'the server (or a proxy in front of it) accepts connections but says nothing; check it, or pass --request-timeout to wait longer (0 waits forever)',
      },
    );
  }

  private delayFor(tries: number, response: RawResponse | undefined): number {
    const retryAfter = Number(response?.headers['retry-after']);
    if (response?.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(retryAfter, 10) * 1000;
    const exponential = this.options.backoffMs * 2 ** (tries - 1);
    return Math.min(exponential, 5000) * (0.5 + Math.random() / 2);
  }

  /** A backoff pause that abandon() cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const pause = {
        timer: setTimeout(() => {
          this.pauses.delete(pause);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.pauses.add(pause);
    });
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    while (this.inFlight >= this.options.maxInFlight && !this.gaveUp) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.gaveUp) throw this.gaveUp;
    this.inFlight += 1;
    try {
      return await task();
    } finally {
      this.inFlight -= 1;
      this.waiting.shift()?.();
    }
  }

  /** How long this request may wait: what is left of --request-timeout, else the answer timeout. */
  private requestTimeout(): { readonly ms: number; readonly idle: boolean } | undefined {
    if (this.deadline !== undefined) return { ms: Math.max(1, this.deadline - Date.now()), idle: false };
    if (this.options.answerTimeoutMs !== undefined) return { ms: this.options.answerTimeoutMs, idle: true };
    return undefined;
  }

  private async send(
    method: string,
    pathWithQuery: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<RawResponse> {
    const id = ++this.nextId;
    this.options.progress?.started(id, describeRequest(method, path));
    try {
      return await this.sendOnce(id, method, pathWithQuery, body, headers);
    } finally {
      this.options.progress?.ended(id);
    }
  }

  private async sendOnce(
    id: number,
    method: string,
    pathWithQuery: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<RawResponse> {
    const url = new URL(this.server + pathWithQuery);
    const requestOptions: https.RequestOptions = {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: {
        Accept: 'application/json',
        'User-Agent': 'kubectl-sa',
        // Node frames no body of a DELETE by itself (no chunking for it): without a length the server sees
        // none, and a DeleteOptions' preconditions and dryRun would be silently dropped.
        ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }),
        ...headers,
      },
    };
    const timeout = this.requestTimeout();
    // Credentials can take time too (an exec plugin, an OIDC refresh): the same limit holds for them.
    await withTimeout(this.kubeConfig.applyToHTTPSOptions(requestOptions), timeout?.ms);
    if (this.gaveUp) throw this.gaveUp;
    requestOptions.headers = { ...requestOptions.headers, ...impersonationHeaders(this.options.impersonate) };
    this.requestCount += 1;
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<RawResponse>((resolve, reject) => {
      // Once the timeout fires, whatever error the torn-down socket reports next is that timeout.
      let timedOut: Error | undefined;
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        this.active.delete(request);
        if (timer) clearTimeout(timer);
      };
      const fail = (error: Error) => {
        done();
        reject(timedOut ?? error);
      };
      const request = transport.request(requestOptions, (response) => {
        const chunks: Buffer[] = [];
        heardFrom();
        response.on('data', (chunk: Buffer) => {
          heardFrom();
          chunks.push(chunk);
        });
        response.on('end', () => {
          done();
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', fail);
        response.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
      });
      this.active.set(request, id);
      const expire = () => {
        timedOut = Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' });
        request.destroy(timedOut);
      };
      // Our own timer from the start, not the socket's idle timeout: that one only starts once a TLS
      // handshake completes, and a silent server never completes it.
      if (timeout) timer = setTimeout(expire, timeout.ms);
      /** Without --request-timeout the limit is on silence: every answer from the server starts it again. */
      function heardFrom(): void {
        if (!timeout?.idle || !timer) return;
        clearTimeout(timer);
        timer = setTimeout(expire, timeout.ms);
      }
      request.on('error', fail);
      request.end(body);
    });
  }
}

/** What a request reads, in a few words for a progress line: `serviceaccounts`, `discovery`, `subjectaccessreviews`. */
export function describeRequest(method: string, path: string): string {
  if (path === '/api' || path === '/apis') return 'discovery';
  const segments = path.split('/').filter(Boolean);
  const last = segments.at(-1) ?? path;
  // GET /api/v1/namespaces/NAME is one namespace; any other GET ending in a plural is a list.
  if (method === 'GET' && segments.at(-2) === 'namespaces') return `namespace ${last}`;
  return last;
}

function isTimeout(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** Rejects with ETIMEDOUT when `promise` takes longer than `ms` (undefined: no limit). */
function withTimeout<T>(promise: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function impersonationHeaders(impersonate: Impersonation | undefined): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  if (impersonate?.user) headers['Impersonate-User'] = impersonate.user;
  if (impersonate?.groups && impersonate.groups.length > 0) headers['Impersonate-Group'] = [...impersonate.groups];
  return headers;
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

function isRetryableFailure(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && retryableNetworkCodes.has(code);
}

function statusError(response: RawResponse, method: string, path: string): ApiStatusError {
  let reason: string | undefined;
  let message = '';
  try {
    const status = JSON.parse(response.body) as { reason?: unknown; message?: unknown };
    if (typeof status.reason === 'string' && status.reason !== '') reason = status.reason;
    if (typeof status.message === 'string') message = status.message;
  } catch {
    message = response.body;
  }
  if (message.trim() === '') message = `HTTP ${response.status} ${statusText(response.status)}`;
  return new ApiStatusError(response.status, method, path, reason, message);
}

function networkError(error: unknown, server: string, path: string): ClusterError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const what =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND'
        ? 'host not found'
        : code === 'ETIMEDOUT'
          ? 'request timed out'
          : text;
  return new ClusterError(`cannot reach the cluster at ${server} (${what}) while requesting ${path}`, {
    cause: error,
    hint: 'check --context/--kubeconfig, the network, and --request-timeout',
  });
}
