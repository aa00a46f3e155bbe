import { encode } from 'uqr';

/** A QR code as one SVG path (a unit square per dark module) and its side length in modules. */
export interface QrPath {
  readonly d: string;
  readonly size: number;
}

/**
 * Encodes `text` as a QR code and draws it as one path, so the template renders it as plain SVG
 * attributes (no HTML string, nothing to sanitise). The quiet zone is part of `size`.
 */
export function qrPath(text: string): QrPath {
  const { data, size } = encode(text, { ecc: 'M', border: 2 });
  const parts: string[] = [];
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) parts.push(`M${x} ${y}h1v1h-1z`);
    }),
  );
  return { d: parts.join(''), size };
}
