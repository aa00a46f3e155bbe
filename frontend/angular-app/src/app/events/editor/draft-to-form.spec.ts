import { draftToForm, placeWarnings, warningField } from './draft-to-form';

describe('draftToForm', () => {
  it('when a draft has times and a zone, then the inputs read the wall clock of the draft’s zone', () => {
    const fill = draftToForm(
      {
        title: 'Quarterly all-hands',
        timeZone: 'Europe/Berlin',
        startsAt: '2027-03-15T09:00:00.000Z',
        endsAt: '2027-03-15T11:30:00.000Z',
        registrationClosesAt: '2027-03-14T22:59:00.000Z',
        venue: 'HQ auditorium',
        capacity: 200,
        tags: ['all-hands', 'leadership'],
      },
      'America/New_York',
    );

    expect(fill.patch).toEqual({
      title: 'Quarterly all-hands',
      timeZone: 'Europe/Berlin',
      startsAt: '2027-03-15T10:00',
      endsAt: '2027-03-15T12:30',
      registrationClosesAt: '2027-03-14T23:59',
      venue: 'HQ auditorium',
      capacity: 200,
      tags: 'all-hands, leadership',
    });
    expect([...fill.fields].sort()).toEqual([
      'capacity',
      'endsAt',
      'registrationClosesAt',
      'startsAt',
      'tags',
      'timeZone',
      'title',
      'venue',
    ]);
  });

  it('when the draft has no zone, then its instants are shown in the zone the form has', () => {
    const fill = draftToForm({ startsAt: '2027-07-01T16:00:00.000Z' }, 'Asia/Tokyo');

    expect(fill.patch).toEqual({ startsAt: '2027-07-02T01:00' });
    expect([...fill.fields]).toEqual(['startsAt']);
  });

  it('when the draft leaves fields absent, null or empty, then they are not filled', () => {
    const fill = draftToForm(
      { title: '  ', venue: null, onlineUrl: null, tags: [], questions: [], description: '' },
      'UTC',
    );

    expect(fill.patch).toEqual({});
    expect(fill.questions).toEqual([]);
    expect(fill.fields.size).toBe(0);
  });

  it('when the draft has questions, then those whose label the form lacks are added', () => {
    const diet = {
      id: 'dietary',
      label: 'Dietary needs',
      type: 'choice' as const,
      required: false,
      options: ['None', 'Vegetarian', 'Vegan'],
    };
    const shirt = { id: 'tshirt', label: 'T-shirt size', type: 'text' as const, required: true };

    const fill = draftToForm({ questions: [diet, shirt] }, 'UTC', [' t-shirt SIZE ']);

    expect(fill.questions).toEqual([diet]);
    expect(fill.fields.has('questions')).toBe(true);
  });
});

describe('warnings placement', () => {
  it('when a warning names a field or a part of one, then it goes beside that field', () => {
    expect(warningField({ field: 'endsAt', message: 'no end time: assumed 1 hour' })).toBe(
      'endsAt',
    );
    expect(warningField({ field: 'questions.0.options', message: 'x' })).toBe('questions');
  });

  it('when a warning names no field or one the form lacks, then it goes to the banner', () => {
    const placed = placeWarnings([
      { field: '', message: 'The model was unavailable.' },
      { field: 'inviteUrl', message: 'dropped' },
      { field: 'startsAt', message: "'next Friday' read as 2027-03-12" },
      { field: 'startsAt', message: 'two dates found' },
    ]);

    expect(placed.get('')).toEqual(['The model was unavailable.', 'dropped']);
    expect(placed.get('startsAt')).toEqual(["'next Friday' read as 2027-03-12", 'two dates found']);
  });
});
