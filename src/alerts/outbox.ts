// Pages go through an outbox in the embedded database: written before they are sent and after, so a
// restart or a kill -9 loses none. Each receiver has its own queue, sent in order (a resolve never
// overtakes its trigger) and retried with backoff while the receiver fails: a receiver that is down
// never holds up another. A page has one id for every attempt (X-Breakerbox-Delivery and
// Idempotency-Key; PagerDuty's dedup_key), so a receiver can drop a repeat the outbox could not
// rule out (sent, then killed before it was marked delivered).
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { DrainStore } from '../drain/drain-store.js';
import type { EventLog } from '../events/event-log.js';
import { sendEmail } from './email.js';
import { sendSnmp } from './snmp-notifier.js';
import { delivery, type PageKind } from './receivers.js';
import type { ReceiverConfig } from './rules.js';
import type { Story, StoryText } from './stories.js';

export interface OutboxItem {
  id: number;
  receiver: string;
  /** Unique per receiver: the same page is never queued twice. */
  idem: string;
  kind: PageKind;
  story: Story;
  text: StoryText;
  created: number;
  attempts: number;
  nextAt: number;
  deliveredAt: number | null;
  /** Refused by the receiver in a way no retry mends (a 4xx): kept, said, and passed over. */
  rejected: string | null;
  lastError: string | null;
}

const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 300_000;

export class Outbox {
  private nextId: number;
  private readonly busy = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: { cancel(): void } }>();
  private stopped = false;
  /** receiver + idem of every page queued (ids carry the alert's id: a key is never reused). */
  private readonly queued = new Set<string>();

  constructor(
    private readonly deps: { store: DrainStore; receivers: () => readonly ReceiverConfig[]; clock: Clock; events: EventLog; log: Logger },
  ) {
    const kept = deps.store.outbox();
    this.nextId = Math.max(0, ...kept.map((p) => p.id)) + 1;
    for (const p of kept) this.queued.add(`${p.receiver}\u0000${p.idem}`);
  }

  /** Sends what a previous run left undelivered. */
  start(): void {
    for (const r of new Set(this.pending().map((p) => p.receiver))) this.kick(r);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) t.timer.cancel();
    this.timers.clear();
  }

  /** Queues a page for a receiver unless it was queued before; true when queued now. */
  enqueue(receiver: string, idem: string, kind: PageKind, story: Story, text: StoryText): boolean {
    const key = `${receiver}\u0000${idem}`;
    if (this.queued.has(key)) return false;
    this.queued.add(key);
    const now = this.deps.clock.now();
    const item: OutboxItem = { id: this.nextId++, receiver, idem, kind, story, text, created: now, attempts: 0, nextAt: now, deliveredAt: null, rejected: null, lastError: null };
    this.deps.store.putPage(item);
    this.kick(receiver);
    return true;
  }

  /** Pages not delivered yet, oldest first. */
  pending(): OutboxItem[] {
    return this.deps.store.outbox().filter((p) => p.deliveredAt === null && p.rejected === null);
  }

  /** Resolves once nothing is being sent (for tests and a clean stop). */
  async idle(): Promise<void> {
    while (this.busy.size > 0) await new Promise((r) => setImmediate(r));
  }

  private kick(receiver: string): void {
    if (this.stopped || this.busy.has(receiver)) return;
    const head = this.pending().find((p) => p.receiver === receiver);
    if (!head) return;
    // A process that may not act (a controller that lost its lease) sends nothing: its successor will.
    if (!this.deps.store.mayAct()) return;
    const now = this.deps.clock.now();
    if (head.nextAt > now) {
      const t = this.timers.get(receiver);
      if (t && t.at <= head.nextAt) return;
      t?.timer.cancel();
      this.timers.set(receiver, { at: head.nextAt, timer: this.deps.clock.setTimeout(() => { this.timers.delete(receiver); this.kick(receiver); }, head.nextAt - now) });
      return;
    }
    this.busy.add(receiver);
    void this.send(head).finally(() => {
      this.busy.delete(receiver);
      this.kick(receiver);
    });
  }

  private async send(item: OutboxItem): Promise<void> {
    const { clock, store, log, events } = this.deps;
    const receiver = this.deps.receivers().find((r) => r.name === item.receiver);
    if (!receiver) {
      store.putPage({ ...item, rejected: `receiver ${item.receiver} is no longer configured` });
      return;
    }
    let result: PostResult;
    if (receiver.type === 'email') result = await sendEmail(receiver, item);
    else if (receiver.type === 'snmp') result = await sendSnmp(receiver, item);
    else {
      const req = delivery(receiver, item.kind, `${item.receiver}:${item.idem}`, item.story, item.text, item.created, clock.now());
      result = await post(req.url, req.headers, req.body, receiver.timeout, clock);
    }
    const now = clock.now();
    if (result.ok) {
      store.putPage({ ...item, attempts: item.attempts + 1, deliveredAt: now, lastError: null });
      if (item.attempts > 0) log.info({ receiver: item.receiver, page: item.idem, attempts: item.attempts + 1 }, 'page delivered after retries');
      return;
    }
    if (result.permanent) {
      store.putPage({ ...item, attempts: item.attempts + 1, rejected: result.what, lastError: result.what });
      events.add({ type: 'page-rejected', severity: 'critical', subject: item.receiver, message: `receiver ${item.receiver} refused the page "${item.text.title}" (${result.what}); not retried: check its configuration` });
      return;
    }
    const attempts = item.attempts + 1;
    const wait = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempts - 1));
    store.putPage({ ...item, attempts, nextAt: now + wait, lastError: result.what });
    if (attempts === 1) events.add({ type: 'page-delayed', severity: 'warning', subject: item.receiver, message: `receiver ${item.receiver} did not take the page "${item.text.title}" (${result.what}); retrying with backoff` });
    log.warn({ receiver: item.receiver, page: item.idem, attempts, retryInMs: wait, err: result.what }, 'page delivery failed');
  }
}

export type PostResult = { ok: true } | { ok: false; permanent: boolean; what: string };

/** POSTs a page; says what went wrong without the address (it can hold a token). */
export async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, clock: Clock): Promise<PostResult> {
  const abort = new AbortController();
  const timer = clock.setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: abort.signal });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true };
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    return { ok: false, permanent, what: `HTTP ${res.status}` };
  } catch (err) {
    if (abort.signal.aborted) return { ok: false, permanent: false, what: `no answer within ${timeoutMs} ms` };
    const code = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, permanent: false, what: code ? `cannot connect (${code})` : 'cannot connect' };
  } finally {
    timer.cancel();
  }
}
