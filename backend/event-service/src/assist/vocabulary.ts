import type { Question } from '@secureevent/contracts';

/**
 * The words the local extractor knows: tags from an event's title, and registration questions from
 * hints anywhere in the text. A tag is suggested only when its words occur; nothing is guessed from
 * the topic. Patterns are matched case-insensitively on word boundaries.
 */

/** Tag → the words that suggest it. Order matters only for the `exclusive` pairs below. */
export const TAG_WORDS: ReadonlyArray<readonly [tag: string, pattern: RegExp]> = [
  ['all-hands', /\ball[- ]hands\b/i],
  ['town-hall', /\btown[- ]?hall\b/i],
  ['lunch-and-learn', /\blunch\s*(?:&|and|'n'|n)\s*learn\b|\bbrown[- ]bag\b/i],
  ['training', /\btrainings?\b|\bcourses?\b|\bcertification\b/i],
  ['workshop', /\bworkshops?\b|\bhands[- ]on\b/i],
  ['conference', /\bconferences?\b|\bsummit\b|\bconvention\b/i],
  ['meetup', /\bmeet[- ]?ups?\b/i],
  ['webinar', /\bwebinars?\b/i],
  ['hackathon', /\bhackathons?\b|\bhack[- ]?days?\b/i],
  ['onboarding', /\bonboarding\b|\bnew (?:hires|joiners|starters)\b|\binduction\b/i],
  ['offsite', /\boff-?sites?\b|\bretreats?\b/i],
  ['leadership', /\bleadership\b|\bexecutives?\b/i],
  ['sales', /\bsales\b/i],
  ['security', /\bsecurity\b|\bphishing\b|\bcyber\w*/i],
  ['engineering', /\bengineering\b|\bengineers?\b|\bdevelopers?\b/i],
  ['wellness', /\bwellness\b|\bwell-being\b|\bwellbeing\b|\byoga\b|\bmindfulness\b|\bmeditation\b|\bfitness\b|\b(?:charity|fun) run\b/i],
  [
    'social',
    /\bpart(?:y|ies)\b|\bsocial\b|\bdinner\b|\blunch\b|\bbreakfast\b|\bbrunch\b|\bdrinks\b|\bhappy hour\b|\bgame night\b|\bbbq\b|\bbarbecue\b|\bpicnic\b|\bcelebration\b|\bbook club\b/i,
  ],
];
/** When the first tag applies, the second's words were part of it ("lunch & learn" is not a lunch). */
const EXCLUSIVE: ReadonlyArray<readonly [string, string]> = [['lunch-and-learn', 'social']];

/** Tags for a title (at most 5, in vocabulary order). */
export function tagsFor(title: string): string[] {
  const tags = TAG_WORDS.filter(([, pattern]) => pattern.test(title)).map(([tag]) => tag);
  const dropped = new Set(EXCLUSIVE.filter(([a]) => tags.includes(a)).map(([, b]) => b));
  // "hands-on" suggests a workshop, and must never count as "all hands".
  return tags.filter((t) => !dropped.has(t)).slice(0, 5);
}

const SHIRT_SIZES = ['XXS', 'XS', 'S', 'M', 'L', 'XL', 'XXL', '3XL'];

/** A registration question the text asks for, by the words that ask for it. */
interface QuestionHint {
  pattern: RegExp;
  question: (text: string) => Question;
}

const QUESTION_HINTS: readonly QuestionHint[] = [
  {
    pattern:
      /\bdietary\b|\bdiet\b|\bvegetarians?\b|\bvegans?\b|\ballerg(?:y|ies|ic)\b|\bfood (?:preferences?|intolerances?|requirements?)\b|\bintolerances?\b|\bhalal\b|\bkosher\b|\bgluten\b/i,
    question: () => ({
      id: 'dietary',
      label: 'Dietary requirements',
      type: 'choice',
      required: false,
      options: ['No special requirements', 'Vegetarian', 'Vegan', 'Gluten-free', 'Lactose-free', 'Halal', 'Kosher', 'Other'],
    }),
  },
  {
    pattern: /\bt-?shirts?\b|\bshirt sizes?\b/i,
    question: (text) => ({ id: 'tshirt', label: 'T-shirt size', type: 'choice', required: false, options: shirtSizes(text) }),
  },
  {
    pattern: /\baccessibility\b|\bwheelchair\b|\bstep-free\b|\baccess needs\b|\bmobility needs\b/i,
    question: () => ({ id: 'accessibility', label: 'Accessibility needs', type: 'text', required: false }),
  },
  {
    pattern: /\bplus[- ]ones?\b|\bbring (?:a|your) (?:guest|partner|spouse|plus[- ]one)\b/i,
    question: () => ({ id: 'plus_one', label: 'I am bringing a guest', type: 'checkbox', required: false }),
  },
];

/** The sizes a text offers ("sizes S–XXL"), or the usual range. */
function shirtSizes(text: string): string[] {
  const range = /\b(XXS|XS|S|M|L|XL|XXL|3XL)\s*(?:-|–|—|to)\s*(XXS|XS|S|M|L|XL|XXL|3XL)\b/.exec(text);
  if (range) {
    const from = SHIRT_SIZES.indexOf(range[1] ?? '');
    const to = SHIRT_SIZES.indexOf(range[2] ?? '');
    if (from >= 0 && to > from) return SHIRT_SIZES.slice(from, to + 1);
  }
  return ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
}

/** The questions a text asks for, each once, in a fixed order. */
export function questionsFor(text: string): Question[] {
  return QUESTION_HINTS.filter((h) => h.pattern.test(text)).map((h) => h.question(text));
}
