import path from 'node:path';
import { DEFAULT_RETRY, type RetryPolicy } from './delivery-worker.js';

/** Where and how email goes: from the service's config (`notificationOptionsFrom`), or a test's own. */
export interface MailSettings {
  /** Unset: `.eml` files under `mailDir`. */
  smtpUrl?: string | undefined;
  from: string;
  mailDir: string;
  /** The web app's address, for links in email. */
  baseUrl: string;
  retry: RetryPolicy;
  /** How often the worker looks for retries that came due (new email wakes it at once). */
  pollIntervalMs: number;
}

/** Settings from a validated config: SMTP_URL, MAIL_FROM, DATA_DIR, PUBLIC_URL. */
export function mailSettingsFrom(config: {
  SMTP_URL?: string | undefined;
  MAIL_FROM: string;
  DATA_DIR: string;
  PUBLIC_URL?: string | undefined;
}): MailSettings {
  return {
    smtpUrl: config.SMTP_URL,
    from: config.MAIL_FROM,
    mailDir: path.join(config.DATA_DIR, 'mail'),
    baseUrl: (config.PUBLIC_URL ?? 'http://localhost:8080').replace(/\/+$/, ''),
    retry: DEFAULT_RETRY,
    pollIntervalMs: 5000,
  };
}

/** The domain of the From address, for Message-ID headers. */
export function domainOf(from: string): string {
  return /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'secureevent.localhost';
}
