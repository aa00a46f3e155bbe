import { htmlEscape } from 'escape-goat';
import { formatTicketCode } from '@secureevent/contracts';
import type { Recipient } from '../users/recipients.js';
import type { EmailPayload } from './email-payload.js';
import { renderEventInvite } from './event-invite.js';

/** A rendered email, ready for the mailer. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** The calendar attachment, when the payload asks for one. */
  ics?: string;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' });

/** Header values never carry line breaks from user input, whatever the transport does with them. */
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();

/**
 * Renders a notification as a plain-text and an HTML email. Every value that a user could have
 * typed (event title, display name, notification text) goes into the HTML only through
 * `htmlEscape`'s tagged template, which escapes each interpolation.
 */
export function renderEmail(payload: EmailPayload, recipient: Recipient, options: { baseUrl: string; now?: Date }): RenderedEmail {
  const url = payload.link ? `${options.baseUrl}${payload.link}` : null;
  const when = payload.event ? `${dateFormat.format(new Date(payload.event.startsAt))} (UTC)` : null;
  const settings = `${options.baseUrl}/notifications`;
  // The code as the ticket page prints it under the QR: two groups of four.
  const code = payload.ticketCode ? formatTicketCode(payload.ticketCode) : null;

  const text = [
    `Hello ${recipient.displayName},`,
    '',
    payload.title,
    '',
    payload.body,
    ...(code ? ['', `Your ticket code: ${code}`, 'Show it at the door, or the QR code in My tickets.'] : []),
    ...(when ? ['', `When: ${when}`] : []),
    ...(url ? ['', `Open in SecureEvent: ${url}`] : []),
    ...(payload.invite && payload.event ? ['', 'The attached invite.ics adds the event to your calendar.'] : []),
    '',
    '--',
    `You get this email because of your notification preferences: ${settings}`,
    '',
  ].join('\n');

  const html =
    htmlEscape`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${payload.title}</title></head>` +
    htmlEscape`<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1f">` +
    htmlEscape`<p>Hello ${recipient.displayName},</p><h1 style="font-size:1.25rem">${payload.title}</h1><p>${payload.body}</p>` +
    (code
      ? htmlEscape`<p style="margin-bottom:0">Your ticket code</p>` +
        htmlEscape`<p data-ticket-code style="margin-top:0;font:600 1.5rem ui-monospace,monospace;letter-spacing:.1em">${code}</p>` +
        htmlEscape`<p style="font-size:.85rem;color:#555">Show it at the door, or the QR code in My tickets.</p>`
      : '') +
    (when ? htmlEscape`<p><strong>When:</strong> ${when}</p>` : '') +
    (url ? htmlEscape`<p><a href="${url}">Open in SecureEvent</a></p>` : '') +
    htmlEscape`<hr><p style="font-size:.85rem;color:#555">You get this email because of your <a href="${settings}">notification preferences</a>.</p>` +
    '</body></html>';

  return {
    subject: oneLine(payload.title),
    text,
    html,
    ...(payload.invite && payload.event ? { ics: renderEventInvite(payload.event, options) } : {}),
  };
}
