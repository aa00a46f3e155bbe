import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';

import { AuthStore } from './auth.store';
import { SignInPage } from './sign-in.page';

describe('SignInPage', () => {
  let fixture: ComponentFixture<SignInPage>;
  let http: HttpTestingController;
  let signIn: ReturnType<typeof vi.fn>;
  let adoptTokens: ReturnType<typeof vi.fn>;
  let mfaSetupRequired: ReturnType<typeof signal<boolean>>;

  beforeEach(async () => {
    signIn = vi.fn(() => Promise.resolve(null));
    adoptTokens = vi.fn(() => Promise.resolve());
    mfaSetupRequired = signal(false);
    TestBed.configureTestingModule({
      imports: [SignInPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: AuthStore, useValue: { signIn, adoptTokens, mfaSetupRequired } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(SignInPage);
    fixture.componentRef.setInput('returnUrl', '/tickets');
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const page = () => fixture.nativeElement as HTMLElement;
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };

  function fill(label: string, value: string) {
    const input = page().querySelector<HTMLInputElement>(`input[formcontrolname="${label}"]`)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  it('when OIDC is configured, then the company button starts it and comes back to the page asked for', async () => {
    http
      .expectOne('/api/auth/oidc/config')
      .flush({ enabled: true, startUrl: '/api/auth/oidc/start', label: undefined });
    await fixture.whenStable();

    const button = page().querySelector<HTMLAnchorElement>('[data-testid="oidc-sign-in"]');
    expect(button?.textContent?.trim()).toBe('Sign in with your company account');
    expect(button?.getAttribute('href')).toBe('/api/auth/oidc/start?returnTo=%2Ftickets');
  });

  it('when OIDC is not configured, then there is no company button', async () => {
    http.expectOne('/api/auth/oidc/config').flush({ enabled: false, startUrl: null });
    await fixture.whenStable();

    expect(page().querySelector('[data-testid="oidc-sign-in"]')).toBeNull();
  });

  it('when the fields are empty, then nothing is sent and each field says what is missing', async () => {
    http.expectOne('/api/auth/oidc/config').flush({ enabled: false, startUrl: null });
    page().querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await fixture.whenStable();

    expect(signIn).not.toHaveBeenCalled();
    expect(page().textContent).toContain('Email is required.');
    expect(page().textContent).toContain('Password is required.');
  });

  it('when the credentials are accepted, then the person goes where they were headed', async () => {
    http.expectOne('/api/auth/oidc/config').flush({ enabled: false, startUrl: null });
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    fill('email', 'ada@example.com');
    fill('password', 'a long passphrase');
    page().querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await settle();

    expect(signIn).toHaveBeenCalledWith('ada@example.com', 'a long passphrase');
    expect(navigate).toHaveBeenCalledWith('/tickets');
  });

  it('when the credentials are refused, then the problem detail is shown in an alert', async () => {
    http.expectOne('/api/auth/oidc/config').flush({ enabled: false, startUrl: null });
    const { HttpErrorResponse } = await import('@angular/common/http');
    signIn.mockRejectedValue(
      new HttpErrorResponse({
        status: 401,
        error: { title: 'Unauthorized', status: 401, detail: 'Wrong email or password.' },
      }),
    );
    fill('email', 'ada@example.com');
    fill('password', 'wrong');
    page().querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await settle();

    expect(page().querySelector('[role="alert"]')?.textContent).toContain(
      'Wrong email or password.',
    );
  });

  it('when the account has a second factor, then a code is asked for and sent with the mfaToken before the session starts', async () => {
    http.expectOne('/api/auth/oidc/config').flush({ enabled: false, startUrl: null });
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    signIn.mockResolvedValue({
      mfaRequired: true,
      mfaToken: 'mfa_token',
      methods: ['totp', 'recovery'],
      expiresIn: 300,
    });
    fill('email', 'ada@example.com');
    fill('password', 'a long passphrase');
    page().querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await settle();
    expect(navigate).not.toHaveBeenCalled();
    expect(page().querySelector('[data-testid="second-factor"]')).not.toBeNull();

    const code = page().querySelector<HTMLInputElement>('[data-testid="mfa-code"]')!;
    expect(code.getAttribute('autocomplete')).toBe('one-time-code');
    code.value = '12345';
    code.dispatchEvent(new Event('input'));
    page().querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await settle();
    http.expectNone('/api/auth/login/mfa');

    code.value = '123456';
    code.dispatchEvent(new Event('input'));
    page().querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await settle();
    const req = http.expectOne('/api/auth/login/mfa');
    expect(req.request.body).toEqual({ mfaToken: 'mfa_token', code: '123456' });
    const tokens = { accessToken: 'at', tokenType: 'Bearer', expiresIn: 300 };
    req.flush(tokens);
    await settle();
    expect(adoptTokens).toHaveBeenCalledWith(tokens);
    expect(navigate).toHaveBeenCalledWith('/tickets');
  });

  it('when a recovery code is used instead, then it is sent as recoveryCode', async () => {
    http.expectOne('/api/auth/oidc/config').flush({ enabled: false, startUrl: null });
    signIn.mockResolvedValue({
      mfaRequired: true,
      mfaToken: 'mfa_t',
      methods: ['totp', 'recovery'],
      expiresIn: 300,
    });
    fill('email', 'ada@example.com');
    fill('password', 'a long passphrase');
    page().querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await settle();
    page().querySelector<HTMLButtonElement>('[data-testid="toggle-recovery"]')!.click();
    await settle();
    const input = page().querySelector<HTMLInputElement>('[data-testid="recovery-code"]')!;
    input.value = ' abcde-fghjk ';
    input.dispatchEvent(new Event('input'));
    page().querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await settle();
    const req = http.expectOne('/api/auth/login/mfa');
    expect(req.request.body).toEqual({ mfaToken: 'mfa_t', recoveryCode: 'abcde-fghjk' });
  });

  it('when a role requires a second factor and none is set up, then sign-in leads to its set-up first', async () => {
    http.expectOne('/api/auth/oidc/config').flush({ enabled: false, startUrl: null });
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    signIn.mockImplementation(() => {
      mfaSetupRequired.set(true);
      return Promise.resolve(null);
    });
    fill('email', 'ada@example.com');
    fill('password', 'a long passphrase');
    page().querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await settle();
    expect(navigate).toHaveBeenCalledWith(['/account/two-factor'], {
      queryParams: { returnUrl: '/tickets' },
    });
  });
});
