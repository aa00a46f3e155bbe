import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';

@Component({
  selector: 'app-not-found-page',
  imports: [TranslocoPipe, RouterLink, MatButtonModule],
  template: `
    <h1>{{ 'notFound.title' | transloco }}</h1>
    <p>{{ 'notFound.text' | transloco }}</p>
    <a mat-flat-button routerLink="/events">{{ 'notFound.seeEvents' | transloco }}</a>
  `,
  styles: `
    h1 {
      font: var(--mat-sys-headline-medium);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFoundPage {}
