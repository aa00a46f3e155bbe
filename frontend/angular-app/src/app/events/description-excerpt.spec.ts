import { descriptionExcerpt } from './description-excerpt';

describe('descriptionExcerpt', () => {
  it('when the description has markup, then only its words are kept', () => {
    expect(
      descriptionExcerpt('<p>Bring <strong>coffee</strong></p><ul><li>and a laptop</li></ul>'),
    ).toBe('Bring coffee and a laptop');
  });

  it('when the description is long, then it is cut with an ellipsis', () => {
    const excerpt = descriptionExcerpt(`<p>${'word '.repeat(100)}</p>`, 20);

    expect(excerpt.length).toBeLessThanOrEqual(20);
    expect(excerpt.endsWith('…')).toBe(true);
  });
});
