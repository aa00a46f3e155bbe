import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { newId } from '@secureevent/shared';
import { createTicketSigner, ticketSvg } from './tickets.js';

// jsqr is a UMD bundle whose module.exports is the decoder itself (its types declare a default export instead).
const jsQR = createRequire(import.meta.url)('jsqr') as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

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

  /** Renders the SVG as a scanner's camera would see it (a bitmap) and reads it with jsQR, the web app's door scanner. */
  const scan = (svg: string) => {
    const image = new Resvg(svg, { fitTo: { mode: 'width', value: 400 } }).render();
    return jsQR(new Uint8ClampedArray(image.pixels), image.width, image.height)?.data;
  };

  it('when rendered, then the SVG QR code decodes to the ticket token, which verifies for its event', async () => {
    const token = signer.sign(reg, evt);
    const svg = await ticketSvg(token);
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const read = scan(svg);
    expect(read).toBe(token);
    expect(signer.verify(String(read), evt)).toBe(reg);
  });

  it('when another ticket is rendered, then it decodes to that ticket and not to the first', async () => {
    const other = signer.sign(newId('reg'), evt);
    expect(scan(await ticketSvg(other))).toBe(other);
    expect(scan(await ticketSvg(other))).not.toBe(signer.sign(reg, evt));
  });
});
