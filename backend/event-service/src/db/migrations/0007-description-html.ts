import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The Markdown renderer and sanitiser as `events/description.ts` had them when this migration was
 * written, frozen here: a migration never imports application code, which may change after it ran
 * (a later change to the live renderer must not change what this step did, nor break it).
 */
function renderAsOf0007(source: string): string {
  const html = new Marked({ gfm: true, breaks: false, async: false }).parse(source) as string;
  return sanitizeHtml(html, {
    allowedTags: [
      'p',
      'br',
      'hr',
      'h2',
      'h3',
      'h4',
      'strong',
      'em',
      'del',
      'code',
      'pre',
      'blockquote',
      'ul',
      'ol',
      'li',
      'a',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
    ],
    allowedAttributes: { a: ['href', 'title', 'rel', 'target'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }),
      h1: 'h2',
    },
  });
}

/** The description rendered to sanitised HTML at write time, and existing rows rendered once. */
export const descriptionHtml: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('events')
      .addColumn('description_html', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    const rows = await sql<{ id: string; description: string }>`select id, description from events.events`.execute(db);
    for (const row of rows.rows) {
      await sql`update events.events set description_html = ${renderAsOf0007(row.description)} where id = ${row.id}`.execute(db);
    }
  },
};
