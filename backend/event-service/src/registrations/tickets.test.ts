import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId } from '@secureevent/shared';
import { createTicketSigner, ticketSvg } from './tickets.js';

describe('ticket tokens', () => {
  const signer = createTicketSigner(randomBytes(32).toString('hex'));
  const reg = newId('reg');
  const evt = newId('evt');

  it('when a token was signed for an event, then it verifies for that event only', () => {
    const token = signer.sign(reg, evt);
    expect(signer.verify(token, evt)).toBe(reg);
    expect(signer.verify(token, newId('evt'))).toBeUndefined();
  });

  it('when the registration id or the signature is altered, then it does not verify', () => {
    const token = signer.sign(reg, evt);
    const [, sig] = token.split('.');
    expect(signer.verify(`${newId('reg')}.${sig}`, evt)).toBeUndefined();
    expect(signer.verify(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, evt)).toBeUndefined();
    expect(signer.verify('garbage', evt)).toBeUndefined();
  });

  it('when another secret signed it, then it does not verify', () => {
    const other = createTicketSigner(randomBytes(32).toString('hex'));
    expect(signer.verify(other.sign(reg, evt), evt)).toBeUndefined();
  });

  it('when rendered, then the QR code is an SVG document', async () => {
    const svg = await ticketSvg(signer.sign(reg, evt));
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path');
  });
});
