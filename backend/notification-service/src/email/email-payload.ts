import type { AccountMailKind } from '@secureevent/contracts';

/** The event a notification is about, as much as the email (and its calendar attachment) needs. */
export interface EmailEvent {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string | null;
}

/** What an email delivery stores: the notification's words, the event, and whether to attach an invite. */
export interface EmailPayload {
  title: string;
  body: string;
  /** App-relative link, e.g. `/events/evt_…`. */
  link: string | null;
  event?: EmailEvent | undefined;
  /** Attach the event as an `.ics` file (confirmation, promotion). */
  invite?: boolean | undefined;
  /** A ticket's short code (canonical form): printed in the mail as on the ticket page. */
  ticketCode?: string | undefined;
  /** An account mail (reset link, verification, security notice): its own template, to this address. */
  account?: AccountMail | undefined;
}

/** What an account mail needs besides the link: which one, in which language, to whom, until when the link works. */
export interface AccountMail {
  kind: AccountMailKind;
  locale: 'en' | 'de' | 'fr';
  expiresAt: string | null;
  to: { address: string; name: string };
}
