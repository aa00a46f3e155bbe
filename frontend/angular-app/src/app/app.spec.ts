import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { App } from './app';

describe('App shell', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [App], providers: [provideRouter([])] });
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
});
