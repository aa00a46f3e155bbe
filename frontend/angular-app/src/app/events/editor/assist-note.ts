import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { TranslocoPipe } from '@jsverse/transloco';

import { AssistField } from './draft-to-form';
import { DraftSuggestions, noteId } from './draft-suggestions';

/**
 * Under a field the assistant filled: "Suggested by the assistant" and its warnings about that
 * field. The field's control points at this note with `aria-describedby`.
 */
@Component({
  selector: 'app-assist-note',
  imports: [TranslocoPipe, MatIconModule],
  template: `
    @if (suggested() || warnings().length > 0) {
      <div class="note" [id]="id()" [attr.data-testid]="'assist-note-' + field()">
        @if (suggested()) {
          <span class="suggested-chip">
            <mat-icon aria-hidden="true">auto_awesome</mat-icon>
            {{ 'editor.assist.suggested' | transloco }}
          </span>
        }
        @for (warning of warnings(); track $index) {
          <span class="warning">
            <mat-icon aria-hidden="true">warning</mat-icon>
            <span class="visually-hidden">{{ 'editor.assist.warning' | transloco }}</span>
            {{ warning }}
          </span>
        }
      </div>
    }
  `,
  styles: `
    .note {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 12px;
      align-items: center;
      margin: 0 0 12px;
      font: var(--mat-sys-body-small);
    }
    .suggested-chip,
    .warning {
      display: inline-flex;
      align-items: center;
      gap: 4px;
    }
    .suggested-chip {
      padding: 2px 8px;
      border-radius: var(--mat-sys-corner-full);
      background: var(--mat-sys-tertiary-container);
      color: var(--mat-sys-on-tertiary-container);
    }
    .warning {
      color: var(--mat-sys-on-surface);
    }
    .warning mat-icon {
      color: var(--mat-sys-error);
    }
    mat-icon {
      font-size: 16px;
      width: 16px;
      height: 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AssistNote {
  readonly field = input.required<AssistField>();
  readonly suggestions = input.required<DraftSuggestions>();

  protected readonly id = computed(() => noteId(this.field()));
  protected readonly suggested = computed(() => this.suggestions().isSuggested(this.field()));
  protected readonly warnings = computed(() => this.suggestions().warningsFor(this.field()));
}
