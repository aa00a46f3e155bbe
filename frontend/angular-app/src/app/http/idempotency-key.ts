/**
 * A fresh Idempotency-Key (22 URL-safe characters, 128 random bits). Built from
 * `crypto.getRandomValues`, which, unlike `crypto.randomUUID`, exists outside secure contexts too.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
