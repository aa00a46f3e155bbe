import { defineConsumer } from '@secureevent/shared';
import { MessageType } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { enqueueEmail } from '../email/enqueue-email.js';

/**
 * Queues the account mails the user-service asks for (`account.mail_requested.v1`: reset links,
 * verification links, security notices). They bypass notification preferences (a person cannot
 * opt out of their own password reset) and go to the address in the message, which for an email
 * change is the new one, not yet in the address book. One delivery per message id.
 */
export const accountMailConsumer = defineConsumer<NotificationsDb>({
  name: 'account-mail',
  handlers: {
    [MessageType.AccountMailRequested]: (trx, { envelope, data }) =>
      enqueueEmail(trx, {
        userId: data.userId,
        kind: `account.${data.kind}`,
        sourceKey: envelope.id,
        payload: {
          title: data.kind,
          body: '',
          link: data.link,
          account: { kind: data.kind, locale: data.locale, expiresAt: data.expiresAt, to: data.to },
        },
      }),
  },
});
