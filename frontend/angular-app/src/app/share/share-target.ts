import { DOCUMENT } from '@angular/common';
import { InjectionToken, inject } from '@angular/core';

/** What the share panel needs of the browser: the page's origin, the clipboard, Web Share. */
export interface ShareTarget {
  readonly origin: string;
  readonly clipboard: Pick<Clipboard, 'writeText'> | undefined;
  /** Undefined where the browser has no Web Share API (most desktop browsers). */
  readonly share: ((data: ShareData) => Promise<void>) | undefined;
}

export const SHARE_TARGET = new InjectionToken<ShareTarget>('SHARE_TARGET', {
  providedIn: 'root',
  factory: () => {
    const window = inject(DOCUMENT).defaultView;
    const navigator = window?.navigator;
    return {
      origin: window?.location.origin ?? '',
      clipboard: navigator?.clipboard,
      share:
        navigator && typeof navigator.share === 'function'
          ? (data: ShareData) => navigator.share(data)
          : undefined,
    };
  },
});

/** An absolute address for a path of this app (links must work when pasted anywhere). */
export function absoluteUrl(origin: string, path: string): string {
  return new URL(path, origin).toString();
}
