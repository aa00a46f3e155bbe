import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from '@playwright/test';
// The notification-service's own dependency (hoisted in the workspace): a real MIME parser, so
// quoted-printable links read as the recipient's mail client reads them.
import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * The platform writes mail as .eml files when SMTP_URL is not set: under DATA_DIR/mail embedded,
 * under DATA_DIR/distributed/notification-service/mail when the services run on their own.
 */
function mailDirs(): string[] {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error('E2E_DATA_DIR is not set: the mailbox needs the platform the suite started');
  return [path.join(dataDir, 'mail'), path.join(dataDir, 'distributed', 'notification-service', 'mail')];
}

async function mailsTo(address: string): Promise<ParsedMail[]> {
  const found: ParsedMail[] = [];
  for (const dir of mailDirs()) {
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const file of files.filter((f) => f.endsWith('.eml')).sort()) {
      const mail = await simpleParser(await readFile(path.join(dir, file)));
      const to = [mail.to ?? []].flat().flatMap((t) => t.value.map((v) => v.address));
      if (to.includes(address)) found.push(mail);
    }
  }
  return found;
}

/** Waits for a mail to `address` whose subject matches, and returns the link in it (app-relative). */
export async function linkInMail(address: string, subject: RegExp): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        const mail = (await mailsTo(address)).filter((m) => subject.test(m.subject ?? '')).at(-1);
        link = /https?:\/\/[^\s/]+(\/[^\s]*#token=[^\s]+)/.exec(mail?.text ?? '')?.[1];
        return link !== undefined;
      },
      { message: `a mail to ${address} matching ${subject}`, timeout: 30_000 },
    )
    .toBe(true);
  return link!;
}
