import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { EventDraftRequest, EventDraftResponse } from '@secureevent/contracts';

import { VIEWER_TIME_ZONE } from '../../time/viewer-time-zone';
import { anEvent } from '../events.testing';
import { EventEditorPage, questionIdFrom } from './event-editor.page';

describe('EventEditorPage', () => {
  let fixture: ComponentFixture<EventEditorPage>;
  let http: HttpTestingController;
  let navigate: ReturnType<typeof vi.spyOn>;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [EventEditorPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: VIEWER_TIME_ZONE, useValue: 'Europe/Paris' },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    fixture = TestBed.createComponent(EventEditorPage);
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const page = () => fixture.nativeElement as HTMLElement;
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };

  function fill(name: string, value: string, root: ParentNode = page()) {
    const input = root.querySelector<HTMLInputElement | HTMLTextAreaElement>(
      `[formcontrolname="${name}"]`,
    )!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  function fillValidEvent() {
    fill('title', 'Threat modelling day');
    fill('timeZone', 'Asia/Tokyo');
    fill('startsAt', '2030-05-04T09:00');
    fill('endsAt', '2030-05-04T17:00');
    fill('venue', 'Hall 1');
    fill('capacity', '25');
    fill('tags', 'Security, Workshop');
  }

  function click(text: string) {
    Array.from(page().querySelectorAll<HTMLButtonElement>('button'))
      .find((b) => b.textContent?.trim().includes(text))!
      .click();
  }

  it('when the form is sent empty, then nothing is posted and the fields say what is missing', async () => {
    click('Save draft');
    await fixture.whenStable();

    expect(page().textContent).toContain('Title is required.');
    expect(page().textContent).toContain('Start is required.');
    expect(page().querySelector('[data-testid="form-error"]')?.textContent).toContain(
      'Give a venue, an online link, or both.',
    );
  });

  it('when the end is before the start, then the end field says so', async () => {
    fillValidEvent();
    fill('endsAt', '2030-05-04T08:00');
    click('Save draft');
    await fixture.whenStable();

    expect(page().textContent).toContain('The end must be after the start.');
  });

  it('when an event with a question is saved and published, then times are sent in the event zone and the draft is published', async () => {
    fillValidEvent();
    click('Add a question');
    await fixture.whenStable();
    fill('label', 'T-shirt size?', page().querySelector('[data-testid="question"]')!);
    click('Save and publish');
    await settle();

    const create = http.expectOne({ method: 'POST', url: '/api/events' });
    expect(create.request.body).toMatchObject({
      title: 'Threat modelling day',
      timeZone: 'Asia/Tokyo',
      startsAt: '2030-05-04T00:00:00.000Z',
      endsAt: '2030-05-04T08:00:00.000Z',
      venue: 'Hall 1',
      onlineUrl: null,
      capacity: 25,
      tags: ['security', 'workshop'],
      questions: [{ id: 't-shirt-size', label: 'T-shirt size?', type: 'text', required: false }],
    });
    create.flush(anEvent({ id: 'evt_new', status: 'draft' }));
    await settle();
    http
      .expectOne({ method: 'POST', url: '/api/events/evt_new/publish' })
      .flush(anEvent({ id: 'evt_new' }));
    await settle();

    expect(navigate).toHaveBeenCalledWith(['/events', 'evt_new']);
  });

  it('when the API refuses a field, then its message is shown beside that field', async () => {
    fillValidEvent();
    click('Save draft');
    await settle();

    http.expectOne('/api/events').flush(
      {
        title: 'Bad Request',
        status: 400,
        code: 'VALIDATION_FAILED',
        detail: 'The request is invalid.',
        errors: [{ field: 'body.capacity', message: 'must be at most 1000000' }],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();

    expect(page().querySelector('[data-testid="form-error"]')?.textContent).toContain(
      'The request is invalid.',
    );
    expect(page().textContent).toContain('Capacity must be at most 1000000');
    expect(navigate).not.toHaveBeenCalled();
  });
});

describe('EventEditorPage with the assistant', () => {
  let fixture: ComponentFixture<EventEditorPage>;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [EventEditorPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: VIEWER_TIME_ZONE, useValue: 'Europe/Paris' },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    fixture = TestBed.createComponent(EventEditorPage);
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const page = () => fixture.nativeElement as HTMLElement;
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  const control = (name: string) =>
    page().querySelector<HTMLInputElement | HTMLTextAreaElement>(`[formcontrolname="${name}"]`)!;
  const note = (field: string) => page().querySelector(`[data-testid="assist-note-${field}"]`);

  const allHands: EventDraftResponse = {
    draft: {
      title: 'Quarterly all-hands',
      timeZone: 'Europe/Berlin',
      startsAt: '2027-03-15T09:00:00.000Z',
      endsAt: '2027-03-15T11:30:00.000Z',
      venue: 'HQ auditorium',
      capacity: 200,
      tags: ['all-hands'],
      questions: [
        {
          id: 'dietary',
          label: 'Dietary needs',
          type: 'choice',
          required: false,
          options: ['None', 'Vegetarian', 'Vegan'],
        },
      ],
    },
    warnings: [
      { field: 'endsAt', message: 'end from the duration: 2.5 hours' },
      { field: '', message: 'The model was unavailable: drafted locally.' },
    ],
    provider: 'local',
  };

  async function fillIn(response: EventDraftResponse, text = 'Quarterly all-hands …') {
    const area = page().querySelector<HTMLTextAreaElement>('[data-testid="assist-text"]')!;
    area.value = text;
    area.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    page().querySelector<HTMLButtonElement>('[data-testid="assist-fill"]')!.click();
    await fixture.whenStable();
    const request = http.expectOne({ method: 'POST', url: '/api/assist/event-draft' });
    request.flush(response);
    await settle();
    return request;
  }

  it('when the draft comes back, then the fields are filled in the draft’s zone and marked, and empty fields are untouched', async () => {
    control('onlineUrl').value = 'https://meet.example/keep';
    control('onlineUrl').dispatchEvent(new Event('input'));
    const request = await fillIn(allHands);

    expect((request.request.body as EventDraftRequest).timeZone).toBe('Europe/Paris');
    expect(control('title').value).toBe('Quarterly all-hands');
    expect(control('timeZone').value).toBe('Europe/Berlin');
    expect(control('startsAt').value).toBe('2027-03-15T10:00');
    expect(control('endsAt').value).toBe('2027-03-15T12:30');
    expect(control('venue').value).toBe('HQ auditorium');
    expect(control('capacity').value).toBe('200');
    expect(control('tags').value).toBe('all-hands');
    expect(control('onlineUrl').value).toBe('https://meet.example/keep');
    expect(control('description').value).toBe('');
    expect(page().querySelectorAll('[data-testid="question"]')).toHaveLength(1);
    expect(
      page().querySelector<HTMLInputElement>(
        '[data-testid="question"] [formcontrolname="options"]',
      )!.value,
    ).toBe('None, Vegetarian, Vegan');

    for (const field of ['title', 'timeZone', 'startsAt', 'endsAt', 'venue', 'capacity', 'tags']) {
      expect(note(field)?.textContent, field).toContain('Suggested by the assistant');
      expect(control(field).getAttribute('aria-describedby'), field).toContain(
        `assist-note-${field}`,
      );
      expect(control(field).closest('mat-form-field')!.classList, field).toContain(
        'assist-suggested',
      );
    }
    expect(note('questions')?.textContent).toContain('Suggested by the assistant');
    expect(note('onlineUrl')).toBeNull();
    expect(note('description')).toBeNull();
    expect(control('onlineUrl').getAttribute('aria-describedby') ?? '').not.toContain('assist');
    expect(page().querySelector('[data-testid="assist-provider"]')?.textContent).toContain(
      'Drafted by the built-in assistant',
    );
  });

  it('when a warning names a field, then it is shown beside it; one of no field goes to the banner', async () => {
    await fillIn(allHands);

    expect(note('endsAt')?.textContent).toContain('end from the duration: 2.5 hours');
    expect(note('startsAt')?.textContent).not.toContain('2.5 hours');
    const banner = page().querySelectorAll('[data-testid="assist-general-warning"]');
    expect(banner).toHaveLength(1);
    expect(banner[0].querySelector('.visually-hidden')?.textContent).toBe('Warning:');
    expect(banner[0].textContent).toContain('The model was unavailable: drafted locally.');
  });

  it('when the organizer edits a filled field, then only that field loses its mark and warnings', async () => {
    await fillIn(allHands);
    control('endsAt').value = '2027-03-15T13:00';
    control('endsAt').dispatchEvent(new Event('input'));
    await fixture.whenStable();

    expect(note('endsAt')).toBeNull();
    expect(control('endsAt').getAttribute('aria-describedby') ?? '').not.toContain('assist');
    expect(control('endsAt').closest('mat-form-field')!.classList).not.toContain(
      'assist-suggested',
    );
    expect(note('title')?.textContent).toContain('Suggested by the assistant');
  });

  it('when a second draft comes back, then untouched fields of the first stay marked and the new ones are marked too', async () => {
    await fillIn(allHands);
    await fillIn({
      draft: { onlineUrl: 'https://teams.microsoft.com/l/meetup-join/abc' },
      warnings: [],
      provider: 'local',
    });

    expect(control('onlineUrl').value).toBe('https://teams.microsoft.com/l/meetup-join/abc');
    expect(note('onlineUrl')?.textContent).toContain('Suggested by the assistant');
    expect(note('venue')?.textContent).toContain('Suggested by the assistant');
    // The first draft's warnings gave way to the second's (none).
    expect(note('endsAt')?.textContent).not.toContain('2.5 hours');
    expect(page().querySelectorAll('[data-testid="assist-general-warning"]')).toHaveLength(0);

    control('venue').value = 'Main hall';
    control('venue').dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(note('venue')).toBeNull();
  });

  it('when the organizer accepts all, then no field is marked and the draft is saved as shown', async () => {
    await fillIn({ ...allHands, provider: 'gpt-4o-mini' });
    expect(page().querySelector('[data-testid="assist-provider"]')?.textContent).toContain(
      'Drafted by gpt-4o-mini',
    );
    page().querySelector<HTMLButtonElement>('[data-testid="assist-accept"]')!.click();
    await fixture.whenStable();

    expect(page().querySelectorAll('app-assist-note .note')).toHaveLength(0);
    expect(page().querySelector('[data-testid="assist-accept"]')).toBeNull();
    expect(page().querySelector('[data-testid="assist-summary"]')?.textContent).toContain(
      'All suggestions accepted.',
    );

    Array.from(page().querySelectorAll<HTMLButtonElement>('button'))
      .find((b) => b.textContent?.includes('Save draft'))!
      .click();
    await settle();
    const create = http.expectOne({ method: 'POST', url: '/api/events' });
    expect(create.request.body).toMatchObject({
      title: 'Quarterly all-hands',
      timeZone: 'Europe/Berlin',
      startsAt: '2027-03-15T09:00:00.000Z',
      endsAt: '2027-03-15T11:30:00.000Z',
      venue: 'HQ auditorium',
      capacity: 200,
      tags: ['all-hands'],
      questions: [
        {
          id: 'dietary',
          label: 'Dietary needs',
          type: 'choice',
          required: false,
          options: ['None', 'Vegetarian', 'Vegan'],
        },
      ],
    });
    create.flush(anEvent({ id: 'evt_new', status: 'draft' }));
    await settle();
  });

  it('when the assistant answers an error, then the form is unchanged', async () => {
    const area = page().querySelector<HTMLTextAreaElement>('[data-testid="assist-text"]')!;
    area.value = 'Offsite next week';
    area.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    page().querySelector<HTMLButtonElement>('[data-testid="assist-fill"]')!.click();
    await fixture.whenStable();
    http
      .expectOne('/api/assist/event-draft')
      .flush(
        { title: 'Internal Server Error', status: 500 },
        { status: 500, statusText: 'Internal Server Error' },
      );
    await settle();

    expect(page().querySelector('[data-testid="assist-error"]')?.textContent).toContain(
      'Internal Server Error',
    );
    expect(control('title').value).toBe('');
    expect(page().querySelector('[data-testid="assist-summary"]')).toBeNull();
  });
});

describe('questionIdFrom', () => {
  it('when two questions read alike, then their ids still differ', () => {
    const taken = new Set(['dietary-needs']);

    expect(questionIdFrom('Dietary needs?', taken)).toBe('dietary-needs-2');
    expect(questionIdFrom('¿¿', new Set())).toBe('question');
  });
});
