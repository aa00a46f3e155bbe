import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { PlatformHealthDto, ServiceHealthDto } from '@secureevent/contracts';

import { HealthPanel } from './health-panel';
import { HEALTH_REFRESH_MS } from './health.store';

const up = (name: string): ServiceHealthDto => ({
  name,
  status: 'up',
  reason: null,
  dependencies: [
    { name: 'database', status: 'up' },
    { name: 'broker', status: 'up' },
    { name: 'cache', status: 'up' },
  ],
  degraded: [],
  version: '0.1.0',
  uptimeSeconds: 3 * 3600 + 25 * 60,
});

const health = (services: ServiceHealthDto[], status: PlatformHealthDto['status']) => ({
  status,
  checkedAt: '2026-12-04T19:30:05.000Z',
  services,
});

describe('HealthPanel', () => {
  let fixture: ComponentFixture<HealthPanel>;
  let http: HttpTestingController;
  const panel = () => fixture.nativeElement as HTMLElement;
  const serviceItem = (name: string) =>
    panel().querySelector<HTMLElement>(`[data-testid="health-service"][data-service="${name}"]`)!;
  const flush = async (body: object) => {
    http.expectOne('/api/audit/platform-health').flush(body);
    await fixture.whenStable();
    fixture.detectChanges();
  };

  beforeEach(() => {
    vi.useFakeTimers();
    TestBed.configureTestingModule({
      imports: [HealthPanel],
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(HealthPanel);
    fixture.detectChanges();
  });

  afterEach(() => {
    fixture.destroy();
    http.verify();
    vi.useRealTimers();
  });

  it('when every service is up, then each is listed up with its dependencies, version and uptime', async () => {
    await flush(health([up('user-service'), up('event-service')], 'up'));
    expect(panel().querySelector('[data-testid="health-panel"]')!.getAttribute('data-status')).toBe(
      'up',
    );
    expect(panel().querySelector('[data-testid="health-overall"]')!.textContent.trim()).toBe('Up');
    const item = serviceItem('event-service');
    expect(item.getAttribute('data-status')).toBe('up');
    expect(item.textContent).toContain('Database: up');
    expect(item.textContent).toContain('Cache: up');
    expect(item.textContent).toContain('Version 0.1.0');
    expect(item.textContent).toContain(
      `Running for ${new Intl.NumberFormat('en', { style: 'unit', unit: 'hour', unitDisplay: 'short' }).format(3)}`,
    );
    expect(item.querySelector('[data-testid="health-degraded"]')).toBeNull();
  });

  it('when a service is degraded and another down, then the degrading dependency and the reason are named', async () => {
    const degraded: ServiceHealthDto = {
      ...up('event-service'),
      status: 'degraded',
      degraded: ['cache'],
      dependencies: [
        { name: 'database', status: 'up' },
        { name: 'broker', status: 'up' },
        { name: 'cache', status: 'down' },
      ],
    };
    const down: ServiceHealthDto = {
      name: 'audit-service',
      status: 'down',
      reason: 'timeout',
      dependencies: [],
      degraded: [],
      version: null,
      uptimeSeconds: null,
    };
    await flush(health([up('user-service'), degraded, down], 'down'));
    expect(panel().querySelector('[data-testid="health-overall"]')!.textContent.trim()).toBe(
      'Down',
    );
    const event = serviceItem('event-service');
    expect(event.getAttribute('data-status')).toBe('degraded');
    expect(event.querySelector('[data-testid="health-degraded"]')!.textContent.trim()).toBe(
      'Degraded by: Cache',
    );
    expect(event.querySelector('[data-dependency="cache"]')!.getAttribute('data-status')).toBe(
      'down',
    );
    const audit = serviceItem('audit-service');
    expect(audit.textContent).toContain('No answer in time.');
    expect(audit.textContent).not.toContain('Version');
  });

  it('when 15 seconds pass, then it asks again; when that fails, then the last answer stays with the error', async () => {
    await flush(health([up('user-service')], 'up'));
    vi.advanceTimersByTime(HEALTH_REFRESH_MS - 1);
    http.expectNone('/api/audit/platform-health');
    vi.advanceTimersByTime(1);
    http
      .expectOne('/api/audit/platform-health')
      .flush(null, { status: 502, statusText: 'Bad Gateway' });
    await fixture.whenStable();
    fixture.detectChanges();
    expect(panel().querySelector('[data-testid="health-error"]')).not.toBeNull();
    expect(serviceItem('user-service').getAttribute('data-status')).toBe('up');
    vi.advanceTimersByTime(HEALTH_REFRESH_MS);
    await flush(health([{ ...up('user-service'), status: 'down', reason: 'not_ready' }], 'down'));
    expect(panel().querySelector('[data-testid="health-error"]')).toBeNull();
    expect(serviceItem('user-service').textContent).toContain(
      'Not ready: its database is unavailable.',
    );
  });

  it('when the panel is gone, then it stops asking', async () => {
    await flush(health([], 'up'));
    fixture.destroy();
    vi.advanceTimersByTime(HEALTH_REFRESH_MS * 3);
    http.expectNone('/api/audit/platform-health');
  });
});
