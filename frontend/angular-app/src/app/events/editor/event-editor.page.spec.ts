import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';

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

describe('questionIdFrom', () => {
  it('when two questions read alike, then their ids still differ', () => {
    const taken = new Set(['dietary-needs']);

    expect(questionIdFrom('Dietary needs?', taken)).toBe('dietary-needs-2');
    expect(questionIdFrom('¿¿', new Set())).toBe('question');
  });
});
