/**
 * The first words of an event's description as plain text, for the cards. It is read from the
 * API's sanitised HTML with DOMParser (which runs no script and loads nothing), so Markdown
 * marks do not show up as `**` in the list.
 */
export function descriptionExcerpt(descriptionHtml: string, maxLength = 180): string {
  // Block ends become spaces, or "<p>a</p><p>b</p>" would read "ab".
  const spaced = descriptionHtml.replace(
    /<\/(p|li|h[1-6]|div|ul|ol|blockquote|pre|tr|td)>/gi,
    '$& ',
  );
  const body = new DOMParser().parseFromString(spaced, 'text/html').body;
  const text = (body.textContent ?? '').replace(/\s+/g, ' ').trim();
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1).trimEnd()}…`;
}
