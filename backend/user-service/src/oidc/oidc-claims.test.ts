import { describe, expect, it } from 'vitest';
import { displayNameOf, verifiedEmailOf } from './oidc-claims.js';

describe('verifiedEmailOf', () => {
  it('when email_verified is true, then the email is returned trimmed and in lower case', () => {
    expect(verifiedEmailOf({ email: ' Ada.Lovelace@Example.COM ', email_verified: true })).toEqual({ email: 'ada.lovelace@example.com' });
  });

  it.each([
    ['false', false],
    ['the string "true"', 'true'],
    ['absent', undefined],
  ])('when email_verified is %s, then the email is refused as unverified', (_label, value) => {
    expect(verifiedEmailOf({ email: 'ada@example.com', email_verified: value })).toEqual({ refused: 'unverified_email' });
  });

  it('when Entra ID sends xms_edov true and no email_verified, then the email is accepted', () => {
    expect(verifiedEmailOf({ email: 'ada@contoso.com', xms_edov: true })).toEqual({ email: 'ada@contoso.com' });
  });

  it('when email_verified is false, then xms_edov true does not override it', () => {
    expect(verifiedEmailOf({ email: 'ada@contoso.com', email_verified: false, xms_edov: true })).toEqual({ refused: 'unverified_email' });
  });

  it('when there is no email or it is not an address, then the refusal says which', () => {
    expect(verifiedEmailOf({ email_verified: true })).toEqual({ refused: 'missing_email' });
    expect(verifiedEmailOf({ email: 'not-an-email', email_verified: true })).toEqual({ refused: 'invalid_email' });
  });
});

describe('displayNameOf', () => {
  it('when the name claim is present, then it is the display name', () => {
    expect(displayNameOf({ name: '  Ada Lovelace ' }, 'ada@example.com')).toBe('Ada Lovelace');
  });

  it('when there is no name, then the local part of the email is used', () => {
    expect(displayNameOf({ name: ' ' }, 'ada.l@example.com')).toBe('ada.l');
  });
});
