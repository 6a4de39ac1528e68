// One page, shaped for each receiver: the same story (title, cause → impact → action, link) as a
// signed JSON webhook, Slack blocks, or a PagerDuty Events API v2 event.
import { createHmac } from 'node:crypto';
import type { Story, StoryText } from './stories.js';
import type { ReceiverConfig } from './rules.js';

export type PageKind = 'trigger' | 'resolve' | 'flapping' | 'acknowledge';

/** One request to a receiver, built when it is sent from the page the outbox keeps (no secret is kept with it). */
export interface Delivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The generic webhook's body (version 1). */
export interface WebhookPage {
  version: 1;
  kind: PageKind;
  /** The same for every retry and redelivery of this page: receivers drop repeats by it. */
  id: string;
  /** The story: its root alert's key and id. */
  story: { key: string; alert: number };
  severity: string;
  title: string;
  cause: string;
  impact: string;
  action: string;
  link: string | null;
  /** On an acknowledge: who, why, when. */
  acknowledged?: { by: string; reason: string; at: number };
  alerts: { key: string; rule: string; subject: { kind: string; name: string }; state: string; labels: Record<string, string> }[];
  time: number;
}

/** The title as each kind of page carries it: "[RESOLVED] …", "[FLAPPING] …", "[ACKNOWLEDGED] …". */
export function pageTitle(kind: PageKind, title: string): string {
  if (kind === 'trigger') return title;
  const bare = title.replace(/^\[[A-Z]+\] /, '');
  return `[${kind === 'resolve' ? 'RESOLVED' : kind === 'flapping' ? 'FLAPPING' : 'ACKNOWLEDGED'}] ${bare}`;
}

/** Where an Alertmanager at `base` takes alerts. */
export function alertmanagerUrl(base: string): string {
  return new URL('api/v2/alerts', base.endsWith('/') ? base : `${base}/`).href;
}

/** How long Alertmanager holds an alert as firing without hearing of it again (Breakerbox re-sends firing ones every minute). */
export const ALERTMANAGER_HOLD_MS = 5 * 60_000;

/** A story as one Alertmanager alert (v2 API): firing until `endsAt`, resolved when `endsAt` is past. */
export function alertmanagerAlert(kind: PageKind, story: Story, text: StoryText, now: number): object {
  const a = story.root;
  const labels: Record<string, string> = { alertname: a.rule, severity: story.severity, source: 'breakerbox', subject: a.subject.name };
  for (const [k, v] of Object.entries(a.labels)) if (v) labels[k] = v;
  // The pools and services it hits change as nodes join and leave the story: annotations, since
  // Alertmanager knows an alert by its labels, which must be the same from firing to resolved.
  const hit = { ...(text.pools?.length ? { pools: text.pools.join(', ') } : {}), ...(text.services?.length ? { services: text.services.join(', ') } : {}) };
  return {
    labels,
    annotations: { summary: text.title, cause: text.cause, impact: text.impact, action: text.action, ...hit, ...(a.acknowledged ? { acknowledged: `${a.acknowledged.by}: ${a.acknowledged.reason}` } : {}), ...(kind === 'flapping' ? { flapping: 'true' } : {}) },
    startsAt: new Date(a.firedAt ?? a.since).toISOString(),
    endsAt: new Date(kind === 'resolve' ? a.resolvedAt ?? now : now + ALERTMANAGER_HOLD_MS).toISOString(),
    ...(text.link ? { generatorURL: text.link } : {}),
  };
}

/** `now`: when it is sent (Alertmanager's `endsAt` counts from then). */
export function delivery(receiver: Exclude<ReceiverConfig, { type: 'email' | 'snmp' }>, kind: PageKind, id: string, story: Story, text: StoryText, time: number, now = time): Delivery {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'breakerbox', 'X-Breakerbox-Delivery': id, 'Idempotency-Key': id };
  const title = pageTitle(kind, text.title);
  const ack = story.root.acknowledged;
  switch (receiver.type) {
    case 'webhook': {
      const page: WebhookPage = {
        version: 1, kind, id, story: { key: story.key, alert: story.root.id }, severity: story.severity, title,
        cause: text.cause, impact: text.impact, action: text.action, link: text.link,
        ...(kind === 'acknowledge' && ack ? { acknowledged: ack } : {}),
        alerts: [story.root, ...story.members].map((a) => ({ key: a.key, rule: a.rule, subject: a.subject, state: a.state, labels: { ...a.labels } as Record<string, string> })),
        time,
      };
      const body = JSON.stringify(page);
      if (receiver.secret) headers['X-Breakerbox-Signature'] = `sha256=${createHmac('sha256', receiver.secret).update(body, 'utf8').digest('hex')}`;
      return { url: receiver.url, headers, body };
    }
    case 'slack': {
      const lines = kind === 'resolve' ? [`*Resolved:* ${text.cause}`]
        : kind === 'acknowledge' ? [`*Acknowledged${ack ? ` by ${ack.by}` : ''}:* ${ack?.reason ?? ''}`, `*Cause:* ${text.cause}`]
          : [`*Cause:* ${text.cause}`, `*Impact:* ${text.impact}`, `*Action:* ${text.action}`];
      if (kind === 'flapping') lines.push('_Changing state often: notified once until it settles._');
      const blocks: object[] = [
        { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
        { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3_000) } },
      ];
      if (text.link) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${text.link}|Open the wall>` }] });
      return { url: receiver.url, headers, body: JSON.stringify({ text: title, blocks }) };
    }
    case 'alertmanager': {
      return { url: alertmanagerUrl(receiver.url), headers, body: JSON.stringify([alertmanagerAlert(kind, story, text, now)]) };
    }
    case 'pagerduty': {
      // One incident per firing of the root alert: its resolve closes that incident, a later firing opens another.
      const dedupKey = `${story.key}#${story.root.id}`;
      const event = kind === 'resolve' || kind === 'acknowledge'
        ? { routing_key: receiver.routingKey, event_action: kind, dedup_key: dedupKey }
        : {
          routing_key: receiver.routingKey, event_action: 'trigger', dedup_key: dedupKey,
          payload: {
            summary: title.slice(0, 1_024), source: story.root.labels.pdu ?? story.root.labels.node ?? story.root.labels.pool ?? 'breakerbox',
            severity: story.severity, component: story.root.subject.name, group: story.root.labels.rack ?? story.root.labels.row ?? story.root.labels.site, class: story.root.rule,
            custom_details: { cause: text.cause, impact: text.impact, action: text.action, flapping: kind === 'flapping' },
          },
          ...(text.link ? { links: [{ href: text.link, text: 'Breakerbox wall' }] } : {}),
        };
      return { url: receiver.url, headers, body: JSON.stringify(event) };
    }
  }
}
