import { createHmac, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';

/**
 * Ticket tokens: `<registrationId>.<HMAC-SHA256(secret, "ticket:v1:<registrationId>:<eventId>")>`.
 * They cannot be forged or moved to another event without the secret, and verifying one needs
 * no database read.
 */
export function createTicketSigner(secret: string) {
  if (secret.length < 32) throw new Error('the ticket signing secret must be at least 32 characters');
  const mac = (registrationId: string, eventId: string) =>
    createHmac('sha256', secret).update(`ticket:v1:${registrationId}:${eventId}`).digest('base64url');
  return {
    sign: (registrationId: string, eventId: string): string => `${registrationId}.${mac(registrationId, eventId)}`,
    /** The registration id if `token` is genuine for `eventId`, otherwise undefined. */
    verify(token: string, eventId: string): string | undefined {
      const match = /^(reg_[0-9a-z]{25})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!match) return undefined;
      const expected = Buffer.from(mac(match[1]!, eventId));
      const given = Buffer.from(match[2]!);
      return expected.length === given.length && timingSafeEqual(expected, given) ? match[1] : undefined;
    },
  };
}
export type TicketSigner = ReturnType<typeof createTicketSigner>;

/** The ticket as an SVG QR code (error correction M: readable from a cracked phone screen). */
export function ticketSvg(token: string): Promise<string> {
  return QRCode.toString(token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
