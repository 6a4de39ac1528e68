// The status page for subscribers: an Atom feed (RFC 4287) and a JSON Feed 1.1 of the published
// incidents and the maintenance announced (from a week before it starts). Entry ids are urn:uuid
// names worked out from the page's title and the incident, so they stay the same whatever name the
// page is reached by.
import { createHash } from 'node:crypto';
import { clock, dayName } from './draft.js';
import type { PublicIncident } from './incidents.js';
import { esc, maintenanceText } from './page.js';
import { ANNOUNCE_AHEAD_MS, type Announcement, type StatusView } from './status-service.js';

interface Entry {
  id: string;
  title: string;
  text: string;
  url: string;
  published: number;
  updated: number;
  tags: string[];
}

/** A name-based UUID (version 5 layout, SHA-1) for `name`. */
export function uuidFor(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function entries(view: StatusView, base: string): Entry[] {
  const z = view.zone;
  const incidents = view.incidents.map((i): Entry => ({
    id: uuidFor(`breakerbox status\u0000${view.title}\u0000incident\u0000${i.id}\u0000${i.startedAt}`),
    title: `${i.title}${i.resolvedAt === null ? '' : ' (resolved)'}`,
    text: incidentText(i, z),
    url: `${base}/status#incident-${i.id}`,
    published: i.publishedAt,
    updated: i.updatedAt,
    tags: ['incident', ...new Set(i.services.map((s) => s.worst))],
  }));
  const maintenance = view.maintenance.filter((m) => m.inForce || m.start - ANNOUNCE_AHEAD_MS <= view.now).map((m: Announcement): Entry => ({
    id: uuidFor(`breakerbox status\u0000${view.title}\u0000maintenance\u0000${m.key}`),
    title: `Scheduled maintenance: ${m.services.join(', ')}`,
    text: maintenanceText(m, z),
    url: `${base}/status#maintenance-title`,
    published: m.start - ANNOUNCE_AHEAD_MS,
    updated: m.start - ANNOUNCE_AHEAD_MS,
    tags: ['maintenance'],
  }));
  return [...incidents, ...maintenance].sort((a, b) => b.updated - a.updated);
}

/** The text and then its timeline, one line each. */
function incidentText(i: PublicIncident, zone: string): string {
  const when = `${dayName(i.startedAt, zone)} (${zone})`;
  return `${i.text}\n\n${when}\n${i.timeline.map((t) => `${clock(t.time, zone)} ${t.text}`).join('\n')}`;
}

const iso = (t: number) => new Date(t).toISOString();
/** Characters XML 1.0 cannot carry at all, even escaped. */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const xml = (s: string) => esc(s.replace(NOT_XML, ''));

export function atomFeed(view: StatusView, base: string): string {
  const list = entries(view, base);
  const updated = Math.max(view.dataSince ?? view.now, ...list.map((e) => e.updated));
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${uuidFor(`breakerbox status\u0000${view.title}`)}</id>
  <title>${xml(view.title)}</title>
  <subtitle>Incidents and scheduled maintenance</subtitle>
  <updated>${iso(updated)}</updated>
  <author><name>${xml(view.title)}</name></author>
  <link rel="self" type="application/atom+xml" href="${esc(`${base}/status/feed.atom`)}"/>
  <link rel="alternate" type="text/html" href="${esc(`${base}/status`)}"/>
  <generator>Breakerbox</generator>
${list.map((e) => `  <entry>
    <id>${e.id}</id>
    <title>${xml(e.title)}</title>
    <published>${iso(e.published)}</published>
    <updated>${iso(e.updated)}</updated>
    <link rel="alternate" type="text/html" href="${esc(e.url)}"/>
${e.tags.map((t) => `    <category term="${xml(t)}"/>`).join('\n')}
    <content type="text">${xml(e.text)}</content>
  </entry>`).join('\n')}
</feed>
`;
}

export function jsonFeed(view: StatusView, base: string): object {
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: view.title,
    description: 'Incidents and scheduled maintenance',
    home_page_url: `${base}/status`,
    feed_url: `${base}/status/feed.json`,
    language: 'en',
    authors: [{ name: view.title }],
    items: entries(view, base).map((e) => ({
      id: e.id, url: e.url, title: e.title, content_text: e.text, date_published: iso(e.published), date_modified: iso(e.updated), tags: e.tags,
    })),
  };
}
