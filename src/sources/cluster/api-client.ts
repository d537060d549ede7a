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
  /** Per request; undefined waits forever, as kubectl's --request-timeout=0. */
  readonly timeoutMs?: number | undefined;
  /** Requests in flight at once. Kept small: we must never be the reason an API server throttles. */
  readonly maxInFlight?: number;
  readonly maxAttempts?: number;
  /** Base delay of the exponential backoff; tests shorten it. */
  readonly backoffMs?: number;
}

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

// Connection refused is not retried: kubectl does not either, and a dead server should fail fast.
const retryableNetworkCodes = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET']);

/**
 * A small JSON client over node:https. client-node supplies what is hard (every kubeconfig auth method:
 * client certificates, tokens, exec plugins, OIDC); this adds what it lacks for a read-mostly audit tool:
 * impersonation headers, a cap on requests in flight, per-request timeouts, retries with backoff on
 * 429/5xx and network errors, and a request count that tests assert on.
 */
export class ApiClient {
  readonly server: string;
  private readonly kubeConfig: KubeConfig;
  private readonly options: Required<Omit<ApiClientOptions, 'impersonate' | 'timeoutMs'>> & ApiClientOptions;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
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
  }

  async getJson<T>(path: string, query: Record<string, string | undefined> = {}, headers: Record<string, string> = {}): Promise<T> {
    return this.requestJson<T>('GET', path, query, undefined, headers);
  }

  async postJson<T>(path: string, body: unknown, query: Record<string, string | undefined> = {}): Promise<T> {
    return this.requestJson<T>('POST', path, query, JSON.stringify(body), { 'Content-Type': 'application/json' });
  }

  /** PATCH with the given patch type (JSON Patch, merge patch, strategic merge patch). */
  async patchJson<T>(path: string, patch: unknown, contentType: string, query: Record<string, string | undefined> = {}): Promise<T> {
    return this.requestJson<T>('PATCH', path, query, JSON.stringify(patch), { 'Content-Type': contentType });
  }

  async putJson<T>(path: string, body: unknown, query: Record<string, string | undefined> = {}): Promise<T> {
    return this.requestJson<T>('PUT', path, query, JSON.stringify(body), { 'Content-Type': 'application/json' });
  }

  /** DELETE with a body (DeleteOptions: preconditions, dryRun). */
  async deleteJson<T>(path: string, body: unknown, query: Record<string, string | undefined> = {}): Promise<T> {
    return this.requestJson<T>('DELETE', path, query, JSON.stringify(body), { 'Content-Type': 'application/json' });
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
    const response = await this.withRetries(pathWithQuery, () => this.send(method, pathWithQuery, body, headers));
    if (response.status >= 200 && response.status < 300) {
      try {
        return JSON.parse(response.body) as T;
      } catch {
        throw new ClusterError(`${this.server}${path}: the server answered with something that is not JSON`);
      }
    }
    throw statusError(response, method, path);
  }

  private async withRetries(path: string, attempt: () => Promise<RawResponse>): Promise<RawResponse> {
    for (let tries = 1; ; tries++) {
      let response: RawResponse | undefined;
      let failure: unknown;
      try {
        response = await this.limited(attempt);
      } catch (error) {
        failure = error;
      }
      const last = tries >= this.options.maxAttempts;
      if (response && !isRetryableStatus(response.status)) return response;
      if (response && last) return response;
      if (failure !== undefined && (last || !isRetryableFailure(failure))) throw networkError(failure, this.server, path);
      await sleep(this.delayFor(tries, response));
      this.retryCount += 1;
    }
  }

  private delayFor(tries: number, response: RawResponse | undefined): number {
    const retryAfter = Number(response?.headers['retry-after']);
    if (response?.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(retryAfter, 10) * 1000;
    const exponential = this.options.backoffMs * 2 ** (tries - 1);
    return Math.min(exponential, 5000) * (0.5 + Math.random() / 2);
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    while (this.inFlight >= this.options.maxInFlight) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight += 1;
    try {
      return await task();
    } finally {
      this.inFlight -= 1;
      this.waiting.shift()?.();
    }
  }

  private async send(
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
      headers: { Accept: 'application/json', 'User-Agent': 'kubectl-sa', ...headers },
    };
    await this.kubeConfig.applyToHTTPSOptions(requestOptions);
    requestOptions.headers = { ...requestOptions.headers, ...impersonationHeaders(this.options.impersonate) };
    this.requestCount += 1;
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<RawResponse>((resolve, reject) => {
      // Once the timeout fires, whatever error the torn-down socket reports next is that timeout.
      let timedOut: Error | undefined;
      const fail = (error: Error) => reject(timedOut ?? error);
      const request = transport.request(requestOptions, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', fail);
        response.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
      });
      if (this.options.timeoutMs !== undefined) {
        request.setTimeout(this.options.timeoutMs, () => {
          timedOut = Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' });
          request.destroy(timedOut);
        });
      }
      request.on('error', fail);
      request.end(body);
    });
  }
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
