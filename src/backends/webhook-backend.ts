import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.js';
import type { BackendConfig } from '../config/schema.js';
import type { MembershipEntry, PoolBackend } from './pool-backend.js';

type WebhookConfig = Extract<BackendConfig, { type: 'webhook' }>;

/** First retry waits about this long; each further retry doubles it, up to BACKOFF_CAP_MS. */
export const BACKOFF_BASE_MS = 200;
export const BACKOFF_CAP_MS = 5_000;
/** A receiver's Retry-After is honoured up to this long, so one slow hook cannot stall the drain loop. */
export const RETRY_AFTER_CAP_MS = 10_000;

/** What a webhook receives: one POST per change of a pool's membership (and again after a restart). */
export interface WebhookPayload {
  pool: string;
  /** When this delivery was built, ms since the epoch (signed with the body; reject stale ones). */
  time: number;
  members: MembershipEntry[];
  /** Names of the members that should take traffic, in pool order. */
  active: string[];
}

export interface WebhookBackendOptions {
  /** Retries are logged here at warn, without the secret, URL credentials or query. */
  log?: Logger;
  /** The payload's `time`, Retry-After dates, backoff waits and per-attempt timeouts (default: the system clock). */
  clock?: Clock;
}

/** The delivery failed for good; `message` names the receiver's origin only, never its credentials. */
export class WebhookDeliveryError extends Error {
  constructor(
    message: string,
    readonly host: string,
    readonly attempts: number,
    readonly status: number | null,
    readonly delivery: string,
  ) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

type Attempt =
  | { ok: true; status: number }
  | { ok: false; retry: boolean; status: number | null; what: string; retryAfterMs: number | null };

/**
 * Pushes each pool's membership to an HTTP endpoint as JSON.
 *
 * Request: `POST spec.url` with body {@link WebhookPayload} and headers
 *   - `Content-Type: application/json`, `User-Agent: breakerbox`
 *   - `X-Breakerbox-Delivery: <uuid>` — one id per delivery, the same on every retry of it, so a
 *     receiver can drop duplicates.
 *   - `X-Breakerbox-Signature: sha256=<hex>` (only when `secret` is set) — like GitHub's
 *     `X-Hub-Signature-256`: the lowercase hex HMAC-SHA256, keyed with `secret`, of the exact bytes
 *     of the request body (UTF-8 JSON). Receivers should compute it over the raw body before any
 *     JSON parsing and compare in constant time (e.g. `crypto.timingSafeEqual`); `time` is inside
 *     the signed body, so they can also refuse old deliveries.
 *   - `Authorization: Basic …` when the URL carries `user:password@` (fetch refuses URLs with
 *     credentials, so they travel as a header instead). The query string is sent as given.
 *
 * Success is any 2xx. Redirects are not followed (a POST silently turned into a GET is not a
 * delivery): a 3xx fails, like any 4xx other than 429, at once. Network errors, timeouts
 * (`spec.timeout` per attempt), 5xx and 429 are retried up to `spec.retries` more times after
 * ~200 ms, 400 ms, 800 ms … (doubling, capped at 5 s, ±10% jitter); a Retry-After header (seconds or
 * an HTTP date) on a 429/5xx makes the wait at least that long, up to 10 s. After the last attempt
 * `apply` throws a {@link WebhookDeliveryError} naming the receiver's origin (scheme, host and port:
 * no credentials, path or query) and the last status or error; the drain controller events it and
 * retries the whole delivery on its timer.
 *
 * `readActive`: a webhook cannot be read back, so this returns the active set of the last
 * successful delivery for the pool, remembered in memory only. It is null before the first
 * success (so after every restart the controller sees "unknown" and re-delivers the current
 * membership) and again after a failed delivery (the receiver may or may not have applied it).
 */
export class WebhookBackend implements PoolBackend {
  readonly kind = 'webhook';
  private readonly target: URL;
  private readonly authorization: string | null;
  /** Scheme, host and port: safe to show. */
  private readonly origin: string;
  /** Strings that must never reach an error message or a log line. */
  private readonly secrets: string[];
  private readonly delivered = new Map<string, Set<string>>();
  private readonly generation = new Map<string, number>();
  private readonly clock: Clock;

  constructor(private readonly spec: WebhookConfig, private readonly options: WebhookBackendOptions = {}) {
    this.clock = options.clock ?? systemClock;
    const url = new URL(spec.url);
    const user = safeDecode(url.username);
    const password = safeDecode(url.password);
    this.authorization = user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : null;
    url.username = '';
    url.password = '';
    this.target = url;
    this.origin = url.origin !== 'null' ? url.origin : `${url.protocol}//${url.host}`;
    const queryValues = [...url.searchParams.values()];
    this.secrets = [spec.secret, password, url.password, url.search.slice(1), ...queryValues, spec.url]
      .filter((s): s is string => typeof s === 'string' && s.length >= 4)
      .sort((a, b) => b.length - a.length);
  }

  async readActive(pool: string): Promise<Set<string> | null> {
    const active = this.delivered.get(pool);
    return active ? new Set(active) : null;
  }

  async apply(pool: string, members: MembershipEntry[]): Promise<void> {
    const active = members.filter((m) => m.state === 'active').map((m) => m.node);
    const payload: WebhookPayload = {
      pool,
      time: this.clock.now(),
      members: members.map(({ node, state, reason, since }) => ({ node, state, reason, since })),
      active,
    };
    // Built once: every retry sends the same bytes, the same signature and the same delivery id.
    // fetch sends a string as UTF-8, the same bytes the HMAC is computed over.
    const body = JSON.stringify(payload);
    const delivery = randomUUID();
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'breakerbox',
      'X-Breakerbox-Delivery': delivery,
    };
    if (this.spec.secret) {
      headers['X-Breakerbox-Signature'] = `sha256=${createHmac('sha256', this.spec.secret).update(body, 'utf8').digest('hex')}`;
    }
    if (this.authorization) headers.Authorization = this.authorization;

    const generation = (this.generation.get(pool) ?? 0) + 1;
    this.generation.set(pool, generation);
    const attempts = this.spec.retries + 1;
    let last: Extract<Attempt, { ok: false }> | null = null;
    let made = 0;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      made = attempt;
      const result = await this.attempt(body, headers);
      if (result.ok) {
        // A slower, older delivery finishing late must not overwrite what a newer one recorded.
        if (this.generation.get(pool) === generation) this.delivered.set(pool, new Set(active));
        return;
      }
      last = result;
      if (!result.retry || attempt === attempts) break;
      const backoff = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)) * (0.9 + Math.random() * 0.2);
      const wait = Math.round(Math.max(backoff, Math.min(result.retryAfterMs ?? 0, RETRY_AFTER_CAP_MS)));
      this.options.log?.warn(
        { pool, backend: this.kind, host: this.origin, delivery, attempt, of: attempts, status: result.status, retryInMs: wait },
        `webhook delivery to ${this.origin} failed (${result.what}); retrying`,
      );
      await new Promise<void>((resolve) => { this.clock.setTimeout(resolve, wait); });
    }
    if (this.generation.get(pool) === generation) this.delivered.delete(pool);
    const failure = last!;
    const tries = failure.retry ? `after ${made} attempt${made === 1 ? '' : 's'}` : '(not retried)';
    throw new WebhookDeliveryError(
      this.scrub(`webhook delivery of pool ${pool} to ${this.origin} failed ${tries}: ${failure.what}`),
      this.origin, made, failure.status, delivery,
    );
  }

  private async attempt(body: string, headers: Record<string, string>): Promise<Attempt> {
    let res: Response;
    const abort = new AbortController();
    const timer = this.clock.setTimeout(() => abort.abort(new TimedOut()), this.spec.timeout);
    try {
      res = await fetch(this.target, { method: 'POST', headers, body, redirect: 'manual', signal: abort.signal });
    } catch (err) {
      return { ok: false, retry: true, status: null, what: this.describeError(abort.signal.aborted ? abort.signal.reason : err), retryAfterMs: null };
    } finally {
      timer.cancel();
    }
    // The body is not needed; release the connection without waiting for it.
    res.body?.cancel().catch(() => {});
    const status = res.status;
    if (status >= 200 && status < 300) return { ok: true, status };
    const what = this.scrub(`HTTP ${status}${res.statusText ? ` ${res.statusText}` : ''}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`);
    const retry = status === 429 || status >= 500;
    return { ok: false, retry, status, what, retryAfterMs: retry ? parseRetryAfter(res.headers.get('retry-after'), this.clock.now()) : null };
  }

  private describeError(err: unknown): string {
    const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (err instanceof TimedOut) return `no answer within ${this.spec.timeout} ms`;
    const cause = e?.cause;
    const text = cause?.code && cause.message ? cause.message : cause?.code ?? cause?.message ?? e?.message ?? String(err);
    return this.scrub(text);
  }

  private scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }
}

/** The per-attempt timeout fired (on the injected clock). */
class TimedOut extends Error {
  constructor() {
    super('timed out');
    this.name = 'TimeoutError';
  }
}

/** Retry-After as delta-seconds or an HTTP date → ms from `now`; null when absent or unreadable. */
function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
