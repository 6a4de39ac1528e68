// A page as e-mail over SMTP (nodemailer): the title as subject, the story as plain text and HTML,
// one Message-ID per page (every retry the same), so a mail system can drop a repeat.
import { createTransport } from 'nodemailer';
import type { OutboxItem, PostResult } from './outbox.js';
import { pageTitle } from './receivers.js';
import type { ReceiverConfig } from './rules.js';

type EmailReceiver = Extract<ReceiverConfig, { type: 'email' }>;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function emailMessage(receiver: EmailReceiver, item: OutboxItem): { from: string; to: string[]; subject: string; text: string; html: string; messageId: string } {
  const { text: t, kind } = item;
  const subject = pageTitle(kind, t.title);
  const ack = item.story.root.acknowledged;
  const lines: [string, string][] = [
    ...(kind === 'acknowledge' && ack ? [['Acknowledged', `${ack.by}: ${ack.reason}`] as [string, string]] : []),
    ['Cause', t.cause], ['Impact', t.impact], ['Action', t.action],
    ...(kind === 'flapping' ? [['Note', 'changing state often: told once until it settles'] as [string, string]] : []),
  ];
  const text = `${lines.map(([k, v]) => `${k}: ${v}`).join('\n')}${t.link ? `\n\nWall: ${t.link}` : ''}\n`;
  const html = `<p><b>${esc(subject)}</b></p><table>${lines.map(([k, v]) => `<tr><th align="left" valign="top">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>${t.link ? `<p><a href="${esc(t.link)}">Open the wall</a></p>` : ''}`;
  const messageId = `<${`${item.receiver}.${item.idem}`.replace(/[^A-Za-z0-9.-]/g, '-')}@breakerbox>`;
  return { from: receiver.from, to: receiver.to, subject, text, html, messageId };
}

/** Sends one page; says what went wrong without the server's credentials. */
export async function sendEmail(receiver: EmailReceiver, item: OutboxItem): Promise<PostResult> {
  const { host, port, secure, user, password } = receiver.smtp;
  const transport = createTransport({
    host, port, secure, connectionTimeout: receiver.timeout, greetingTimeout: receiver.timeout, socketTimeout: receiver.timeout,
    ...(user ? { auth: { user, pass: password ?? '' } } : {}),
  });
  try {
    await transport.sendMail(emailMessage(receiver, item));
    return { ok: true };
  } catch (err) {
    const e = err as { responseCode?: number; code?: string };
    if (e.responseCode) return { ok: false, permanent: e.responseCode >= 500 && e.responseCode !== 521, what: `SMTP ${e.responseCode}` };
    return { ok: false, permanent: e.code === 'EAUTH', what: e.code ? `cannot send (${e.code})` : 'cannot send' };
  } finally {
    transport.close();
  }
}
