import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { EventDto } from '@secureevent/contracts';

import { anEvent } from '../events.testing';
import { CoOrganizerPicker } from './co-organizer-picker';

const me = 'usr_0000000000000000000000001';
const ada = 'usr_0000000000000000000000002';
const gone = 'usr_0000000000000000000000003';

describe('CoOrganizerPicker', () => {
  let fixture: ComponentFixture<CoOrganizerPicker>;
  let http: HttpTestingController;
  let emitted: EventDto[];

  const page = () => fixture.nativeElement as HTMLElement;
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  const search = () =>
    page().querySelector<HTMLInputElement>('[data-testid="co-organizer-search"]')!;
  const type = async (text: string) => {
    search().value = text;
    search().dispatchEvent(new Event('input'));
    // Past the picker's 250 ms debounce.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fixture.whenStable();
  };
  const buttons = () => [...page().querySelectorAll('button')];

  async function show(event: EventDto, names: { id: string; displayName: string }[]) {
    fixture = TestBed.createComponent(CoOrganizerPicker);
    fixture.componentRef.setInput('event', event);
    emitted = [];
    fixture.componentInstance.eventChange.subscribe((changed) => emitted.push(changed));
    await fixture.whenStable();
    const request = http.expectOne((r) => r.url === '/api/users/search');
    expect(request.request.params.get('ids')).toBe(event.organizerIds.join(','));
    request.flush({ items: names });
    await fixture.whenStable();
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [CoOrganizerPicker],
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('when the event has co-organizers, then they are listed by name, and by id only when no name is known', async () => {
    await show(anEvent({ id: 'evt_pick', organizerIds: [me, gone] }), [
      { id: me, displayName: 'Me Myself' },
    ]);
    const rows = [...page().querySelectorAll('[data-testid="co-organizer"]')].map(
      (r) => r.textContent,
    );
    expect(rows[0]).toContain('Me Myself');
    expect(rows[0]).not.toContain(me);
    expect(rows[1]).toContain(gone);
  });

  it('when a name is typed, then matches are offered and adding one sends their id and hands the event on', async () => {
    const event = anEvent({ id: 'evt_pick', organizerIds: [me] });
    await show(event, [{ id: me, displayName: 'Me Myself' }]);
    await type('a');
    http.expectNone((r) => r.url === '/api/users/search');
    await type('ada');
    const found = http.expectOne((r) => r.url === '/api/users/search');
    expect(found.request.params.get('q')).toBe('ada');
    found.flush({ items: [{ id: ada, displayName: 'Ada Lovelace' }] });
    await fixture.whenStable();

    buttons()
      .find((b) => b.textContent?.includes('Add Ada Lovelace'))!
      .click();
    const add = http.expectOne(`/api/events/evt_pick/organizers`);
    expect(add.request.body).toEqual({ userId: ada });
    const changed = { ...event, organizerIds: [me, ada] };
    add.flush(changed);
    await settle();

    expect(emitted).toEqual([changed]);
    expect(search().value).toBe('');
    fixture.componentRef.setInput('event', changed);
    await fixture.whenStable();
    // Ada's name is known from the pick: no second look-up.
    http.expectNone((r) => r.url === '/api/users/search');
    expect(page().textContent).toContain('Ada Lovelace');
  });

  it('when a co-organizer is removed, then the API is asked and the event goes to the page; the last one cannot be', async () => {
    const event = anEvent({ id: 'evt_pick', organizerIds: [me, ada] });
    await show(event, [
      { id: me, displayName: 'Me Myself' },
      { id: ada, displayName: 'Ada Lovelace' },
    ]);
    page()
      .querySelector<HTMLButtonElement>('[aria-label="Remove Ada Lovelace as co-organizer"]')!
      .click();
    const removal = http.expectOne(`/api/events/evt_pick/organizers/${ada}`);
    expect(removal.request.method).toBe('DELETE');
    const changed = { ...event, organizerIds: [me] };
    removal.flush(changed);
    await settle();
    expect(emitted).toEqual([changed]);

    fixture.componentRef.setInput('event', changed);
    await fixture.whenStable();
    expect(buttons().some((b) => b.textContent?.includes('Remove'))).toBe(false);
  });
});
