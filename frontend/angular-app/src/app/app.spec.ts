import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';

import { App } from './app';
import { SESSION_HINT } from './auth/session-hint';
import { provideFakeWebSocket } from './realtime/realtime.testing';

@Component({ template: '<h1>A page</h1>', changeDetection: ChangeDetectionStrategy.OnPush })
class BlankPage {}

describe('App shell', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [App],
      providers: [
        provideRouter([
          { path: 'one', component: BlankPage },
          { path: 'two', component: BlankPage },
        ]),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideFakeWebSocket(),
        { provide: SESSION_HINT, useValue: { get: () => false, set: () => {}, clear: () => {} } },
      ],
    });
  });

  it('when rendered, then it has a banner with the product name, a labelled nav and a main landmark', async () => {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const shell = fixture.nativeElement as HTMLElement;

    expect(shell.querySelector('header')?.textContent).toContain('SecureEvent');
    const nav = shell.querySelector('nav');
    expect(nav?.getAttribute('aria-label')).toBe('Main');
    expect(nav?.querySelector('a')?.getAttribute('href')).toBe('/events');
    expect(shell.querySelector('main#main-content')).not.toBeNull();
  });

  it('when the skip link is followed, then focus moves to the main content', async () => {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const shell = fixture.nativeElement as HTMLElement;
    document.body.appendChild(shell);

    shell.querySelector<HTMLAnchorElement>('.skip-link')?.click();

    expect(document.activeElement).toBe(shell.querySelector('main'));
    shell.remove();
  });

  it('when nobody is signed in, then the toolbar offers sign in and sign up and no bell', async () => {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const shell = fixture.nativeElement as HTMLElement;

    const links = Array.from(shell.querySelectorAll('a')).map((a) => a.textContent?.trim());
    expect(links).toContain('Sign in');
    expect(links).toContain('Sign up');
    expect(shell.querySelector('[data-testid="notification-bell"]')).toBeNull();
    TestBed.inject(HttpTestingController).verify();
  });

  it('when the person moves to another page, then focus moves to the main content; a new search does not move it', async () => {
    const fixture = TestBed.createComponent(App);
    const shell = fixture.nativeElement as HTMLElement;
    document.body.appendChild(shell);
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/one');
    await fixture.whenStable();
    const search = document.createElement('input');
    shell.appendChild(search);

    search.focus();
    await router.navigateByUrl('/one?q=kubernetes');
    expect(document.activeElement).toBe(search);

    await router.navigateByUrl('/two');
    expect(document.activeElement).toBe(shell.querySelector('main'));
    shell.remove();
  });

  describe('phone menu', () => {
    async function openShell() {
      const fixture = TestBed.createComponent(App);
      await fixture.whenStable();
      const shell = fixture.nativeElement as HTMLElement;
      document.body.appendChild(shell);
      const button = shell.querySelector<HTMLButtonElement>('[data-testid="phone-menu-button"]')!;
      const menu = shell.querySelector<HTMLElement>('[data-testid="phone-menu"]')!;
      return { fixture, shell, button, menu };
    }

    it('when the menu button is pressed, then the menu opens with the navigation and the account links, and says so', async () => {
      const { fixture, shell, button, menu } = await openShell();
      expect(button.getAttribute('aria-expanded')).toBe('false');
      expect(button.getAttribute('aria-controls')).toBe(menu.id);
      expect(menu.classList).not.toContain('nav-area-open');
      expect(button.textContent?.trim()).toBe('Menu');

      button.click();
      await fixture.whenStable();

      expect(button.getAttribute('aria-expanded')).toBe('true');
      expect(menu.classList).toContain('nav-area-open');
      expect(menu.querySelector('nav')?.getAttribute('aria-label')).toBe('Main');
      const links = Array.from(menu.querySelectorAll('a')).map((a) => a.getAttribute('href'));
      expect(links).toEqual(['/events', '/sign-in', '/sign-up']);
      shell.remove();
    });

    it('when Escape is pressed in the open menu, then it closes and focus goes back to its button', async () => {
      const { fixture, shell, button, menu } = await openShell();
      button.click();
      await fixture.whenStable();
      menu.querySelector('a')!.focus();

      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
      await fixture.whenStable();

      expect(menu.classList).not.toContain('nav-area-open');
      expect(document.activeElement).toBe(button);
      shell.remove();
    });

    it('when the menu is opened before a slow first page has loaded, then the end of that first navigation leaves it open', async () => {
      const { fixture, shell, button, menu } = await openShell();
      button.click();
      await fixture.whenStable();

      await TestBed.inject(Router).navigateByUrl('/one');
      await fixture.whenStable();

      expect(menu.classList).toContain('nav-area-open');
      expect(button.getAttribute('aria-expanded')).toBe('true');
      shell.remove();
    });

    it('when the person goes to another page, then the menu closes; a change of query only leaves it open', async () => {
      const { fixture, shell, button, menu } = await openShell();
      const router = TestBed.inject(Router);
      await router.navigateByUrl('/one');
      button.click();
      await fixture.whenStable();

      await router.navigateByUrl('/one?q=jazz');
      await fixture.whenStable();
      expect(menu.classList).toContain('nav-area-open');

      await router.navigateByUrl('/two');
      await fixture.whenStable();

      expect(menu.classList).not.toContain('nav-area-open');
      expect(button.getAttribute('aria-expanded')).toBe('false');
      shell.remove();
    });
  });
});
