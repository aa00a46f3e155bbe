import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type { VerifyEmailRequest } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { describeHttpError, problemOf } from '../http/problem-details';
import { AuthStore } from './auth.store';
import { tokenFromFragment } from './mailed-link';

type VerifyState = 'verifying' | 'verified' | 'invalid' | 'failed';

/** `/verify-email#token=…`: the page a verification link opens; confirms the address at once. */
@Component({
  selector: 'app-verify-email-page',
  imports: [TranslocoPipe, RouterLink, MatButtonModule, MatProgressBarModule],
  templateUrl: './verify-email.page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VerifyEmailPage implements OnInit {
  private readonly http = inject(HttpClient);
  private readonly route = inject(ActivatedRoute);
  protected readonly auth = inject(AuthStore);

  protected readonly state = signal<VerifyState>('verifying');
  protected readonly errorMessage = signal<string | null>(null);

  ngOnInit(): void {
    void this.confirmAddress(tokenFromFragment(this.route.snapshot.fragment));
  }

  private async confirmAddress(token: string | null): Promise<void> {
    if (token === null) {
      this.state.set('invalid');
      return;
    }
    try {
      const body: VerifyEmailRequest = { token };
      await firstValueFrom(this.http.post('/api/auth/verify-email', body));
      this.state.set('verified');
      if (this.auth.isSignedIn()) {
        await this.auth.reloadUser();
      }
    } catch (error) {
      if (problemOf(error)?.code === 'INVALID_TOKEN') {
        this.state.set('invalid');
      } else {
        this.errorMessage.set(describeHttpError(error));
        this.state.set('failed');
      }
    }
  }
}
