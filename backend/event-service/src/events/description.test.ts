import { describe, expect, it } from 'vitest';
import { renderDescription } from './description.js';

describe('renderDescription', () => {
  it('when the description is ordinary Markdown, then it becomes the expected HTML', () => {
    const html = renderDescription('# Agenda\n\n**Talks** and [tickets](https://example.com/t)\n\n- one\n- two');
    expect(html).toContain('<h2>Agenda</h2>');
    expect(html).toContain('<strong>Talks</strong>');
    expect(html).toContain('<a href="https://example.com/t" rel="noopener noreferrer nofollow" target="_blank">tickets</a>');
    expect(html).toContain('<li>two</li>');
  });

  it.each([
    ['a script tag', '<script>alert(1)</script>hello'],
    ['an event handler', '<img src=x onerror="alert(1)">'],
    ['a javascript: link', '[click](javascript:alert(1))'],
    ['a data: link', '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
    ['an svg with onload', '<svg onload="alert(1)"></svg>'],
    ['a style attribute', '<p style="background:url(javascript:alert(1))">x</p>'],
  ])('when the description contains %s, then nothing executable survives', (_name, source) => {
    const html = renderDescription(source);
    expect(html).not.toMatch(/<script|onerror|onload|javascript:|data:text|<iframe|<svg|style=/i);
  });
});
