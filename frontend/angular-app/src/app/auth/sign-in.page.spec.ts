import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';

import { AuthStore } from './auth.store';
import { SignInPage } from './sign-in.page';

describe('SignInPage', () => {
  let fixture: ComponentFixture<SignInPage>;
  let http: HttpTestingController;
  let signIn: ReturnType<typeof vi.fn>;

  beforeEach(async () => {
    signIn = vi.fn(() => Promise.resolve());
    TestBed.configureTestingModule({
      imports: [SignInPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: AuthStore, useValue: { signIn } },
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
});
