import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Latin letters with diacritics and their plain lower-case letters, one for one (with A–Z), for
 * accent-insensitive search without the `unaccent` extension, which PGlite does not have. The
 * check-in search's normaliser (`checkins/attendee-search.ts`) maps the same way, which its test
 * proves character by character.
 */
export const ACCENTED =
  'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳØøĐđŁłĦħıŦŧÐðÞþABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const PLAIN =
  'aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzoouuaaiioouuuuuuuuuuaaaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooooyyooddllhhittddttabcdefghijklmnopqrstuvwxyz';
/** Letters that stand for two (German ß, the ligatures). */
export const EXPANDED: ReadonlyArray<readonly [string, string]> = [
  ['ß', 'ss'],
  ['ẞ', 'ss'],
  ['Æ', 'ae'],
  ['æ', 'ae'],
  ['Œ', 'oe'],
  ['œ', 'oe'],
];

/** The people's search key: name and email, folded for prefix search at the door. */
export const attendeeSearch: Migration = {
  async up(db: Kysely<unknown>) {
    let folded = sql`coalesce(display_name, '') || ' ' || coalesce(email, '')`;
    for (const [from, to] of EXPANDED) folded = sql`replace(${folded}, ${sql.lit(from)}, ${sql.lit(to)})`;
    // A generated column follows every change of name or email without the writers knowing of it.
    await db.schema
      .alterTable('people')
      .addColumn('search_key', 'text', (c) =>
        c.generatedAlwaysAs(sql`lower(translate(${folded}, ${sql.lit(ACCENTED)}, ${sql.lit(PLAIN)}))`).stored(),
      )
      .execute();
  },
};
