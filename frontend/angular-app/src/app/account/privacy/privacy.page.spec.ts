import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { AuthStore } from '../../auth/auth.store';
import { PrivacyPage } from './privacy.page';

describe('PrivacyPage', () => {
  async function open() {
    const signOut = vi.fn(() => Promise.resolve());
    TestBed.configureTestingModule({
      imports: [PrivacyPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: AuthStore, useValue: { signOut } },
      ],
    });
    const http = TestBed.inject(HttpTestingController);
    const router = TestBed.inject(Router);
    const navigate = vi.spyOn(router, 'navigate').mockResolvedValue(true);
    const fixture = TestBed.createComponent(PrivacyPage);
    await fixture.whenStable();
    const page = fixture.nativeElement as HTMLElement;
    return { http, fixture, page, signOut, navigate };
  }

  const settled = async (fixture: { whenStable(): Promise<unknown> }) => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };

  function type(page: HTMLElement, testId: string, value: string) {
    const input = page.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  const eraseButton = (page: HTMLElement) =>
    page.querySelector<HTMLButtonElement>('[data-testid="erase-account"]')!;

  it('when the download is pressed, then the export is fetched and handed to the browser as a JSON file', async () => {
    const { http, fixture, page } = await open();
    const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:export');
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    page.querySelector<HTMLButtonElement>('[data-testid="export-my-data"]')!.click();
    const request = http.expectOne('/api/users/me/export');
    expect(request.request.responseType).toBe('blob');
    request.flush(new Blob(['{}'], { type: 'application/json' }));
    await settled(fixture);
    expect(created).toHaveBeenCalled();
    expect(clicked).toHaveBeenCalled();
    expect(page.querySelector('[data-testid="export-done"]')?.textContent).toContain('downloaded');
    created.mockRestore();
    clicked.mockRestore();
  });

  it('when the confirmation word is not typed, then the delete button stays disabled and nothing is sent', async () => {
    const { http, fixture, page } = await open();
    type(page, 'erase-password', 'a long user password');
    type(page, 'erase-confirmation', 'delet');
    await settled(fixture);
    expect(eraseButton(page).disabled).toBe(true);
    page.querySelector('form')!.dispatchEvent(new Event('submit'));
    await settled(fixture);
    http.expectNone('/api/users/me');
  });

  it('when the password is wrong, then the server’s word is shown and the user stays signed in', async () => {
    const { http, fixture, page, signOut } = await open();
    type(page, 'erase-password', 'wrong');
    type(page, 'erase-confirmation', 'delete');
    await settled(fixture);
    expect(eraseButton(page).disabled).toBe(false);
    eraseButton(page).click();
    const request = http.expectOne({ method: 'DELETE', url: '/api/users/me' });
    expect(request.request.body).toEqual({ password: 'wrong' });
    request.flush(
      {
        code: 'VALIDATION_FAILED',
        detail: 'The password is not correct.',
        errors: [{ field: 'body.password', message: 'is not correct' }],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settled(fixture);
    expect(page.querySelector('[data-testid="erase-error"]')?.textContent).toContain(
      'The password is not correct.',
    );
    expect(signOut).not.toHaveBeenCalled();
  });

  it('when the account is deleted, then the session ends and the landing page opens', async () => {
    const { http, fixture, page, signOut, navigate } = await open();
    type(page, 'erase-password', 'a long user password');
    type(page, 'erase-confirmation', 'DELETE');
    await settled(fixture);
    eraseButton(page).click();
    http.expectOne({ method: 'DELETE', url: '/api/users/me' }).flush(null, {
      status: 204,
      statusText: 'No Content',
    });
    await settled(fixture);
    expect(signOut).toHaveBeenCalled();
    expect(navigate).toHaveBeenCalledWith(['/']);
  });
});
