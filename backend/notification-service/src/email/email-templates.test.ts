import { describe, expect, it } from 'vitest';
import { renderEmail } from './email-templates.js';
import { domainOf } from './mail-settings.js';

const recipient = { userId: 'usr_0000000000000000000000001', email: 'a@example.test', displayName: 'Ada' };

describe('email templates', () => {
  it('when values hold markup and quotes, then the HTML escapes each of them and the text keeps them as typed', () => {
    const hostile = `"><svg onload=alert(1)> & 'x'`;
    const email = renderEmail(
      { title: hostile, body: `<b>${hostile}</b>`, link: `/events/"><x` },
      { ...recipient, displayName: hostile },
      { baseUrl: 'https://se.example' },
    );
    expect(email.html).not.toContain('<svg');
    expect(email.html).not.toContain('<b>');
    expect(email.html).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt; &amp; &#39;x&#39;');
    expect(email.html).toContain('href="https://se.example/events/&quot;&gt;&lt;x"');
    expect(email.text).toContain(`Hello ${hostile},`);
    expect(email.text).toContain(`<b>${hostile}</b>`);
  });

  it('when a title holds line breaks, then the subject is one line', () => {
    const email = renderEmail({ title: 'A\r\nBcc: victim@example.test', body: '', link: null }, recipient, {
      baseUrl: 'https://se.example',
    });
    expect(email.subject).toBe('A Bcc: victim@example.test');
  });

  it('when the payload asks for an invite, then an .ics is rendered for the event, and otherwise none', () => {
    const event = { id: 'evt_0000000000000000000000001', title: 'Kick-off', startsAt: '2031-01-02T08:00:00.000Z', endsAt: null };
    const withInvite = renderEmail({ title: 't', body: 'b', link: null, event, invite: true }, recipient, {
      baseUrl: 'https://se.example',
    });
    expect(withInvite.ics).toContain('UID:evt_0000000000000000000000001@secureevent');
    expect(withInvite.ics).toContain('DTEND:20310102T090000Z');
    expect(withInvite.text).toContain('When: Thursday, 2 January 2031 at 08:00 (UTC)');
    expect(renderEmail({ title: 't', body: 'b', link: null, event }, recipient, { baseUrl: 'https://se.example' }).ics).toBeUndefined();
  });

  it('when MAIL_FROM has a display name, then Message-IDs use its domain', () => {
    expect(domainOf('SecureEvent <no-reply@events.example.com>')).toBe('events.example.com');
    expect(domainOf('ops@corp.example')).toBe('corp.example');
  });
});
