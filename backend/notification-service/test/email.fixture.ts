import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createEnvelope, newId, type Envelope } from '@secureevent/shared';
import type { RegistrationChangedV1 } from '@secureevent/contracts';
import type { MailSettings } from '../src/email/mail-settings.js';

/** A real SMTP server for a test: it keeps every message it accepts, parsed, and can refuse some recipients. */
export interface SmtpSink {
  url: string;
  received: ParsedMail[];
  /** Messages to `address`. */
  to(address: string): ParsedMail[];
  /** How many RCPT TO commands it has seen per address (accepted or refused). */
  attempts: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Starts a plain SMTP server on a free loopback port. `answer` may refuse a recipient with an SMTP
 * code (e.g. 550 permanent, 451 temporary), given how many times that address was tried before.
 */
export async function startSmtpSink(answer: (address: string, attempt: number) => number | undefined = () => undefined): Promise<SmtpSink> {
  const received: ParsedMail[] = [];
  const attempts = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const n = (attempts.get(address.address) ?? 0) + 1;
      attempts.set(address.address, n);
      const code = answer(address.address, n);
      if (!code) return callback();
      const err = Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code });
      callback(err);
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    attempts,
    to: (address) => received.filter((m) => [m.to].flat().some((t) => t?.value.some((v) => v.address === address))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Mail settings for tests: fast polling and retries measured in milliseconds. */
export function testMailSettings(overrides: Partial<MailSettings> = {}): MailSettings {
  return {
    from: 'SecureEvent <no-reply@secureevent.test>',
    mailDir: '/nonexistent',
    baseUrl: 'https://events.example.test',
    retry: { baseDelayMs: 50, maxDelayMs: 400, maxAttempts: 20 },
    pollIntervalMs: 50,
    ...overrides,
  };
}

/** `user.registered.v1` for a user the test signed a token for. */
export function userRegistered(user: { id: string }, overrides: { email?: string; displayName?: string } = {}) {
  return createEnvelope('/secureevent/user-service', {
    type: 'user.registered.v1',
    data: {
      userId: user.id,
      email: overrides.email ?? `${user.id}@example.test`,
      displayName: overrides.displayName ?? 'Ada Lovelace',
      roles: ['attendee'],
      registeredAt: new Date().toISOString(),
    },
  });
}

/** A registration message as the event-service publishes it. */
export function registrationMessage<
  T extends 'registration.confirmed.v1' | 'registration.promoted.v1' | 'registration.cancelled.v1' | 'registration.waitlisted.v1',
>(
  type: T,
  overrides: {
    userId: string;
    eventId?: string;
    registrationId?: string;
    eventTitle?: string;
    startsAt?: string;
    at?: string;
    ticketCode?: string;
  },
): Envelope & { type: T; data: RegistrationChangedV1 } {
  const status = type === 'registration.cancelled.v1' ? 'cancelled' : type === 'registration.waitlisted.v1' ? 'waitlisted' : 'confirmed';
  const data: RegistrationChangedV1 = {
    registrationId: overrides.registrationId ?? newId('reg'),
    eventId: overrides.eventId ?? newId('evt'),
    userId: overrides.userId,
    eventTitle: overrides.eventTitle ?? 'Security Summit',
    startsAt: overrides.startsAt ?? new Date(Date.now() + 7 * 86_400_000).toISOString(),
    status,
    ...(status === 'waitlisted' ? { waitlistPosition: 1 } : {}),
    ...(overrides.ticketCode ? { ticketCode: overrides.ticketCode } : {}),
    at: overrides.at ?? new Date().toISOString(),
  };
  return { ...createEnvelope('/secureevent/event-service', { type, data }), type, data };
}
