import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const markdown = new Marked({ gfm: true, breaks: false, async: false });

/**
 * Event descriptions are Markdown. They are rendered here and then sanitised with an allow-list:
 * no script, style, iframe, form or event handler attribute survives, links get
 * `rel="noopener noreferrer nofollow"`, and only http(s)/mailto URLs are kept. The web app
 * renders this HTML through Angular's own sanitiser as well.
 */
export function renderDescription(source: string): string {
  const html = markdown.parse(source) as string;
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
