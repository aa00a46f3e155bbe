import { ChangeDetectionStrategy, Component, ElementRef, viewChild } from '@angular/core';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

/**
 * The application shell: skip link, toolbar with the main navigation, and the main landmark.
 * It uses no MatButton or MatIcon: with their ripple and icon registry they would add ~55 kB to
 * the initial bundle, so the nav link and the logo glyph are styled with the theme's tokens.
 */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, MatToolbarModule],
  templateUrl: './app.html',
  styleUrl: './app.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  private readonly mainContent = viewChild.required<ElementRef<HTMLElement>>('mainContent');

  // Focus is moved by hand rather than by following `#main-content`: a fragment change would
  // go through the router and leave `#main-content` in the address bar.
  skipToMainContent(event: Event): void {
    event.preventDefault();
    this.mainContent().nativeElement.focus();
  }
}
