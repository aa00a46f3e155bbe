import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '@secureevent/shared';
import type { RenderedEmail } from './email-templates.js';

/** One email to send. */
export interface OutgoingEmail extends RenderedEmail {
  to: { name: string; address: string };
  /** Stable per delivery, so a receiving system can recognise a resend after a crash. */
  messageId: string;
}

/** Sends email: over SMTP when configured, otherwise as `.eml` files for a developer to open. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

/** Mailer options: `smtpUrl` unset writes files under `mailDir`. */
export interface MailerOptions {
  smtpUrl?: string | undefined;
  from: string;
  mailDir: string;
  logger: Logger;
}

/** An SMTP answer that retrying cannot fix (5xx), as opposed to a connection problem or a 4xx. */
export function isPermanentSmtpFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** Creates the mailer and says once, at start, where mail goes (never the SMTP credentials). */
export function createMailer(options: MailerOptions): Mailer {
  const { logger, from } = options;
  const message = (email: OutgoingEmail) => ({
    from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: email.messageId,
    ...(email.ics
      ? {
          attachments: [{ filename: 'invite.ics', content: email.ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }],
        }
      : {}),
  });

  if (options.smtpUrl) {
    const target = new URL(options.smtpUrl);
    // Bounded waits: a hung server must not outlive the delivery lease (see delivery-worker.ts).
    const transport = nodemailer.createTransport({
      url: options.smtpUrl,
      connectionTimeout: 20_000,
      greetingTimeout: 20_000,
      socketTimeout: 30_000,
    });
    logger.info(
      { smtpHost: target.hostname, smtpPort: target.port || null, secure: target.protocol === 'smtps:' },
      'email goes out over SMTP',
    );
    return {
      async send(email) {
        await transport.sendMail(message(email));
      },
      close: () => transport.close(),
    };
  }

  const dir = path.resolve(options.mailDir);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  logger.info({ mailDir: dir }, 'SMTP_URL is not set: emails are written as .eml files instead of being sent');
  return {
    async send(email) {
      const info = await transport.sendMail(message(email));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${email.messageId.replace(/[^\w.-]/g, '_')}.eml`);
      // Mail holds personal data: readable by the service's user only.
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      logger.debug({ file }, 'email written');
    },
    close: () => transport.close(),
  };
}
