import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { MfaStatus } from '@secureevent/contracts';

import { AuthStore } from '../../auth/auth.store';
import { TwoFactorPage } from './two-factor.page';

const off: MfaStatus = {
  totp: { enabled: false, pending: false, enabledAt: null },
  recoveryCodesLeft: 0,
  required: false,
};
const on: MfaStatus = {
  totp: { enabled: true, pending: false, enabledAt: '2026-12-04T10:00:00.000Z' },
  recoveryCodesLeft: 10,
  required: false,
};
const codes = Array.from({ length: 10 }, (_, i) => `abcde-fgh${String(i).padStart(2, '2')}`);

describe('TwoFactorPage', () => {
  async function open(status: MfaStatus, returnUrl?: string) {
    TestBed.configureTestingModule({
      imports: [TwoFactorPage],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(TwoFactorPage);
    if (returnUrl) fixture.componentRef.setInput('returnUrl', returnUrl);
    await fixture.whenStable();
    http.expectOne('/api/users/me/mfa').flush(status);
    await settled(fixture);
    return { http, fixture, page: fixture.nativeElement as HTMLElement };
  }

  async function settled(fixture: { whenStable(): Promise<unknown> }) {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }

  function fill(page: HTMLElement, testId: string, value: string) {
    const input = page.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  const button = (page: HTMLElement, text: string) =>
    Array.from(page.querySelectorAll<HTMLButtonElement>('button')).find(
      (b) => b.textContent?.trim() === text,
    )!;

  it('when two-step sign-in is off and a role requires it, then the page says so and offers the set-up', async () => {
    const { page, http } = await open({ ...off, required: true });
    expect(page.querySelector('[data-testid="two-factor-required"]')?.textContent).toContain(
      'Your role requires two-step sign-in',
    );
    expect(page.querySelector('[data-testid="start-setup"]')).not.toBeNull();
    http.verify();
  });

  it('when set-up starts, then a QR code of the otpauth URL and the key are shown; a wrong-looking code is not sent', async () => {
    const { page, http, fixture } = await open(off);
    page.querySelector<HTMLButtonElement>('[data-testid="start-setup"]')!.click();
    http.expectOne({ method: 'POST', url: '/api/users/me/mfa/totp' }).flush({
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      otpauthUrl:
        'otpauth://totp/SecureEvent:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=SecureEvent',
    });
    await settled(fixture);

    const qr = page.querySelector('[data-testid="qr-code"]')!;
    expect(qr.getAttribute('role')).toBe('img');
    expect(qr.getAttribute('aria-label')).toBe('QR code to scan with your authenticator app');
    expect(qr.querySelector('path')?.getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);
    expect(page.querySelector('[data-testid="totp-secret"]')?.textContent?.trim()).toBe(
      'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP',
    );

    fill(page, 'confirm-code', '12ab');
    button(page, 'Confirm').click();
    await settled(fixture);
    http.expectNone('/api/users/me/mfa/totp/confirm');
    expect(page.textContent).toContain('Enter the 6 digits your app shows.');
  });

  it('when the code confirms the set-up, then the ten recovery codes are shown once and the required set-up is done', async () => {
    const { page, http, fixture } = await open({ ...off, required: true }, '/events');
    const auth = TestBed.inject(AuthStore);
    auth.mfaSetupRequired.set(true);
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    page.querySelector<HTMLButtonElement>('[data-testid="start-setup"]')!.click();
    http.expectOne('/api/users/me/mfa/totp').flush({
      secret: 'JBSWY3DPEHPK3PXP',
      otpauthUrl: 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP',
    });
    await settled(fixture);

    fill(page, 'confirm-code', ' 123456 ');
    button(page, 'Confirm').click();
    const confirm = http.expectOne('/api/users/me/mfa/totp/confirm');
    expect(confirm.request.body).toEqual({ code: '123456' });
    confirm.flush({ recoveryCodes: codes });
    await settled(fixture);
    http.expectOne('/api/users/me/mfa').flush({ ...on, required: true });
    await settled(fixture);

    const shown = Array.from(page.querySelectorAll('[data-testid="recovery-codes"] li')).map((li) =>
      li.textContent?.trim(),
    );
    expect(shown).toEqual(codes);
    expect(auth.mfaSetupRequired()).toBe(false);

    page.querySelector<HTMLButtonElement>('[data-testid="codes-saved"]')!.click();
    await settled(fixture);
    expect(page.querySelector('[data-testid="recovery-codes"]')).toBeNull();
    expect(page.querySelector('[data-testid="two-factor-on"]')).not.toBeNull();
    expect(navigate).toHaveBeenCalledWith('/events');
  });

  it('when the code is refused, then the problem detail is shown and no codes appear', async () => {
    const { page, http, fixture } = await open(off);
    page.querySelector<HTMLButtonElement>('[data-testid="start-setup"]')!.click();
    http
      .expectOne('/api/users/me/mfa/totp')
      .flush({ secret: 'JBSWY3DPEHPK3PXP', otpauthUrl: 'otpauth://totp/x' });
    await settled(fixture);
    fill(page, 'confirm-code', '000000');
    button(page, 'Confirm').click();
    http
      .expectOne('/api/users/me/mfa/totp/confirm')
      .flush(
        { title: 'Bad Request', status: 400, detail: 'The code is not correct.' },
        { status: 400, statusText: 'Bad Request' },
      );
    await settled(fixture);
    expect(page.querySelector('[role="alert"]')?.textContent).toContain('The code is not correct.');
    expect(page.querySelector('[data-testid="recovery-codes"]')).toBeNull();
  });

  it('when it is on, then turning it off asks for the password first and sends it', async () => {
    const { page, http, fixture } = await open(on);
    expect(page.querySelector('[data-testid="codes-left"]')?.textContent).toContain(
      'Recovery codes left: 10.',
    );
    page.querySelector<HTMLButtonElement>('[data-testid="turn-off"]')!.click();
    await settled(fixture);
    button(page, 'Turn off two-step sign-in').click();
    await settled(fixture);
    http.expectNone('/api/users/me/mfa/totp');
    expect(page.textContent).toContain('Current password is required.');

    const input = page.querySelector<HTMLInputElement>(
      '[data-testid="turn-off-form"] input[type="password"]',
    )!;
    input.value = 'my passphrase';
    input.dispatchEvent(new Event('input'));
    button(page, 'Turn off two-step sign-in').click();
    const req = http.expectOne({ method: 'DELETE', url: '/api/users/me/mfa/totp' });
    expect(req.request.body).toEqual({ currentPassword: 'my passphrase' });
    req.flush(null, { status: 204, statusText: 'No Content' });
    await settled(fixture);
    http.expectOne('/api/users/me/mfa').flush(off);
    await settled(fixture);
    expect(page.querySelector('[data-testid="two-factor-off"]')).not.toBeNull();
    expect(page.querySelector('[data-testid="two-factor-notice"]')?.textContent).toContain(
      'Two-step sign-in is off.',
    );
  });
});
