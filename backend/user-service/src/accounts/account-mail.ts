import type { Transaction } from 'kysely';
import type { Outbox } from '@secureevent/shared';
import { MessageType, type AccountMailKind, type AccountMailRequestedV1 } from '@secureevent/contracts';
import type { UsersDb } from '../db/schema.js';

/** The languages account mail is written in; anything else gets English. */
export type MailLocale = AccountMailRequestedV1['locale'];
export const mailLocale = (value: string | null | undefined): MailLocale => (value === 'de' || value === 'fr' ? value : 'en');

/**
 * Asks the notification-service to send an account mail (`account.mail_requested.v1`), in the
 * same transaction as the change it is about: the user-service never talks SMTP itself.
 */
export async function requestAccountMail(
  trx: Transaction<UsersDb>,
  outbox: Outbox,
  mail: {
    userId: string;
    kind: AccountMailKind;
    to: { address: string; name: string };
    locale: MailLocale;
    link?: string | null;
    expiresAt?: Date | null;
  },
): Promise<void> {
  const data: AccountMailRequestedV1 = {
    userId: mail.userId,
    kind: mail.kind,
    to: mail.to,
    locale: mail.locale,
    link: mail.link ?? null,
    expiresAt: mail.expiresAt?.toISOString() ?? null,
    requestedAt: new Date().toISOString(),
  };
  await outbox.add(trx, { type: MessageType.AccountMailRequested, subject: mail.userId, data });
}
