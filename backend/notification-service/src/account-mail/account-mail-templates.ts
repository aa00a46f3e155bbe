import { htmlEscape } from 'escape-goat';
import type { AccountMailKind } from '@secureevent/contracts';
import type { RenderedEmail } from '../email/email-templates.js';
import type { EmailPayload } from '../email/email-payload.js';

type Locale = 'en' | 'de' | 'fr';
interface Words {
  hello: (name: string) => string;
  subject: Record<AccountMailKind, string>;
  body: Record<AccountMailKind, string>;
  action: Partial<Record<AccountMailKind, string>>;
  validUntil: (when: string) => string;
  notYou: string;
}

const words: Record<Locale, Words> = {
  en: {
    hello: (n) => `Hello ${n},`,
    subject: {
      password_reset: 'Reset your SecureEvent password',
      email_verification: 'Confirm your email address for SecureEvent',
      password_changed: 'Your SecureEvent password was changed',
      email_change_notice: 'The email address of your SecureEvent account was changed',
      mfa_enabled: 'Two-step sign-in was turned on for your SecureEvent account',
      mfa_disabled: 'Two-step sign-in was turned off for your SecureEvent account',
    },
    body: {
      password_reset: 'Someone asked to reset the password of your SecureEvent account. Open the link below to choose a new one.',
      email_verification: 'Please confirm that this address belongs to you by opening the link below.',
      password_changed: 'The password of your SecureEvent account was just changed, and every other session was signed out.',
      email_change_notice: 'Your SecureEvent account now uses a different email address; this address gets no more mail from it.',
      mfa_enabled: 'Signing in to your SecureEvent account now also needs a code from your authenticator app (or a recovery code).',
      mfa_disabled:
        'Signing in to your SecureEvent account no longer needs a code from an authenticator app; the recovery codes no longer work.',
    },
    action: { password_reset: 'Choose a new password', email_verification: 'Confirm my email address' },
    validUntil: (w) => `The link works once, until ${w} (UTC).`,
    notYou: 'If this was not you, ignore this email or tell your administrator at once.',
  },
  de: {
    hello: (n) => `Hallo ${n},`,
    subject: {
      password_reset: 'Ihr SecureEvent-Passwort zurücksetzen',
      email_verification: 'Bestätigen Sie Ihre E-Mail-Adresse für SecureEvent',
      password_changed: 'Ihr SecureEvent-Passwort wurde geändert',
      email_change_notice: 'Die E-Mail-Adresse Ihres SecureEvent-Kontos wurde geändert',
      mfa_enabled: 'Die Anmeldung in zwei Schritten ist für Ihr SecureEvent-Konto eingeschaltet',
      mfa_disabled: 'Die Anmeldung in zwei Schritten ist für Ihr SecureEvent-Konto ausgeschaltet',
    },
    body: {
      password_reset: 'Jemand möchte das Passwort Ihres SecureEvent-Kontos zurücksetzen. Öffnen Sie den Link, um ein neues zu wählen.',
      email_verification: 'Bitte bestätigen Sie mit dem Link unten, dass diese Adresse Ihnen gehört.',
      password_changed: 'Das Passwort Ihres SecureEvent-Kontos wurde soeben geändert; alle anderen Sitzungen wurden abgemeldet.',
      email_change_notice: 'Ihr SecureEvent-Konto verwendet jetzt eine andere E-Mail-Adresse; diese Adresse erhält keine Post mehr davon.',
      mfa_enabled:
        'Die Anmeldung bei Ihrem SecureEvent-Konto braucht jetzt zusätzlich einen Code aus Ihrer Authenticator-App (oder einen Wiederherstellungscode).',
      mfa_disabled:
        'Die Anmeldung bei Ihrem SecureEvent-Konto braucht keinen Code aus einer Authenticator-App mehr; die Wiederherstellungscodes gelten nicht mehr.',
    },
    action: { password_reset: 'Neues Passwort wählen', email_verification: 'E-Mail-Adresse bestätigen' },
    validUntil: (w) => `Der Link funktioniert einmal, bis ${w} (UTC).`,
    notYou: 'Wenn Sie das nicht waren, ignorieren Sie diese E-Mail oder informieren Sie sofort Ihre Administration.',
  },
  fr: {
    hello: (n) => `Bonjour ${n},`,
    subject: {
      password_reset: 'Réinitialiser votre mot de passe SecureEvent',
      email_verification: 'Confirmez votre adresse e-mail pour SecureEvent',
      password_changed: 'Votre mot de passe SecureEvent a été modifié',
      email_change_notice: 'L’adresse e-mail de votre compte SecureEvent a été modifiée',
      mfa_enabled: 'La connexion en deux étapes est activée pour votre compte SecureEvent',
      mfa_disabled: 'La connexion en deux étapes est désactivée pour votre compte SecureEvent',
    },
    body: {
      password_reset:
        'Quelqu’un a demandé à réinitialiser le mot de passe de votre compte SecureEvent. Ouvrez le lien ci-dessous pour en choisir un nouveau.',
      email_verification: 'Veuillez confirmer que cette adresse vous appartient en ouvrant le lien ci-dessous.',
      password_changed: 'Le mot de passe de votre compte SecureEvent vient d’être modifié ; toutes les autres sessions ont été fermées.',
      email_change_notice: 'Votre compte SecureEvent utilise désormais une autre adresse ; celle-ci ne recevra plus de messages.',
      mfa_enabled:
        'La connexion à votre compte SecureEvent demande désormais aussi un code de votre application d’authentification (ou un code de secours).',
      mfa_disabled:
        'La connexion à votre compte SecureEvent ne demande plus de code d’application d’authentification ; les codes de secours ne fonctionnent plus.',
    },
    action: { password_reset: 'Choisir un nouveau mot de passe', email_verification: 'Confirmer mon adresse e-mail' },
    validUntil: (w) => `Le lien fonctionne une seule fois, jusqu’au ${w} (UTC).`,
    notYou: 'Si ce n’était pas vous, ignorez ce message ou prévenez immédiatement votre administrateur.',
  },
};

/**
 * Renders an account mail (reset link, verification link, security notice) in the person's
 * language. The name goes into the HTML only through `htmlEscape`'s tagged template.
 */
export function renderAccountEmail(payload: EmailPayload, options: { baseUrl: string }): RenderedEmail {
  const account = payload.account!;
  const w = words[account.locale];
  const url = payload.link ? `${options.baseUrl}${payload.link}` : null;
  const action = w.action[account.kind];
  const until = account.expiresAt
    ? w.validUntil(
        new Intl.DateTimeFormat(account.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
          new Date(account.expiresAt),
        ),
      )
    : null;
  const subject = w.subject[account.kind];
  const text = [
    w.hello(account.to.name),
    '',
    w.body[account.kind],
    ...(url ? ['', `${action ?? subject}: ${url}`] : []),
    ...(until ? ['', until] : []),
    '',
    w.notYou,
    '',
  ].join('\n');
  const html =
    htmlEscape`<!doctype html><html lang="${account.locale}"><head><meta charset="utf-8"><title>${subject}</title></head>` +
    htmlEscape`<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1f">` +
    htmlEscape`<p>${w.hello(account.to.name)}</p><p>${w.body[account.kind]}</p>` +
    (url ? htmlEscape`<p><a href="${url}">${action ?? subject}</a></p>` : '') +
    (until ? htmlEscape`<p>${until}</p>` : '') +
    htmlEscape`<hr><p style="font-size:.85rem;color:#555">${w.notYou}</p></body></html>`;
  return { subject, text, html };
}
