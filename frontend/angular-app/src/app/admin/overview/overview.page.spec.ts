import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';

import { aPage } from '../../events/events.testing';
import { OverviewPage } from './overview.page';

describe('OverviewPage', () => {
  let fixture: ComponentFixture<OverviewPage>;
  let http: HttpTestingController;
  const page = () => fixture.nativeElement as HTMLElement;
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  /** Answers the page's two requests; today's confirmed registrations are `today`. */
  const answer = async (today: number) => {
    await settle();
    // The health panel's own request (health-panel.spec.ts tests it).
    for (const req of http.match('/api/audit/platform-health')) {
      req.flush({ status: 'up', checkedAt: new Date().toISOString(), services: [] });
    }
    http.expectOne((r) => r.url === '/api/events').flush(aPage([]));
    const stats = http.expectOne((r) => r.url === '/api/audit/stats');
    const params = stats.request.params;
    const buckets = params.get('bucket')!;
    // The last bucket starts one hour or day before `to`.
    const last = new Date(params.get('to')!);
    if (buckets === 'hour') last.setHours(last.getHours() - 1);
    else last.setDate(last.getDate() - 1);
    stats.flush({
      from: params.get('from'),
      to: params.get('to'),
      bucket: buckets,
      tz: params.get('tz'),
      counts: [
        {
          bucket: last.toISOString(),
          action: 'registration.confirmed',
          outcome: null,
          type: 'registration.confirmed.v1',
          count: today,
        },
      ],
    });
    await settle();
    return stats.request;
  };
  const registrationRows = () =>
    page().querySelectorAll('[data-testid="chart-registrations"] tbody tr');

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [OverviewPage],
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(OverviewPage);
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  it('when the page opens, then the last 30 days are charted and the table holds each raw count beside the formatted one', async () => {
    const request = await answer(12_345);
    expect(request.params.get('bucket')).toBe('day');
    expect(registrationRows()).toHaveLength(30);
    const today = registrationRows()[29].querySelector('td')!;
    expect(today.getAttribute('data-value')).toBe('12345');
    expect(today.textContent?.trim()).toBe(new Intl.NumberFormat('en').format(12_345));
    expect(page().querySelector('[data-testid="overview-partial"]')).toBeNull();
  });

  it('when the day is chosen, then the last 24 hours are charted by hour', async () => {
    await answer(1);
    page().querySelector<HTMLButtonElement>('[data-testid="overview-range-day"] button')!.click();
    const request = await answer(3);
    expect(request.params.get('bucket')).toBe('hour');
    expect(registrationRows()).toHaveLength(24);
    expect(registrationRows()[23].querySelector('td')!.getAttribute('data-value')).toBe('3');
    expect(page().querySelector('[data-testid="overview"]')!.getAttribute('data-range')).toBe(
      'day',
    );
  });
});
