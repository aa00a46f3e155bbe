import * as client from 'openid-client';
import { AppError, ErrorCode, type Logger } from '@secureevent/shared';
import type { Role } from '@secureevent/contracts';

/** Enterprise sign-in settings, built from the environment by `oidcOptionsFrom` in config.ts. */
export interface OidcOptions {
  /** The provider's issuer identifier; its metadata is read from `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `PUBLIC_URL/api/auth/oidc/callback`, registered at the provider. */
  redirectUri: string;
  /** Roles of accounts created by enterprise sign-in; config.ts never lets admin through. */
  defaultRoles: Role[];
  /** Text of the web app's sign-in button. */
  label?: string | undefined;
  /** How the client secret is presented at the token endpoint; default `client_secret_basic`. */
  tokenAuthMethod?: 'client_secret_basic' | 'client_secret_post' | undefined;
}

/** The scopes asked for: identity, email (with `email_verified`) and name, nothing more. */
export const OIDC_SCOPE = 'openid email profile';

/** What one authorization request must remember, server-side, until its callback. */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Claims of an ID token whose signature, issuer, audience, expiry and nonce have been verified. */
export type VerifiedClaims = client.IDToken;

/** The OpenID provider, behind the two calls sign-in needs. */
export interface IdentityProvider {
  /** The authorization URL of a new sign-in: code flow, PKCE S256, state and nonce. */
  authorizationUrl(checks: AuthorizationChecks): Promise<URL>;
  /** Exchanges the code carried by `callbackUrl` and returns the verified ID token claims. */
  exchangeCode(callbackUrl: URL, checks: AuthorizationChecks): Promise<VerifiedClaims>;
}

/** True for an http:// URL on the loopback interface: the only place a plain-HTTP provider is accepted. */
export const isLoopbackHttp = (url: URL) => url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');

/**
 * An openid-client v6 configuration, discovered on first use and then kept. When discovery fails
 * (the provider is down) sign-in answers 503 and the next attempt discovers again; the service
 * itself starts and serves everything else regardless.
 */
export function createIdentityProvider(options: OidcOptions, logger: Logger): IdentityProvider {
  const issuer = new URL(options.issuer);
  const clientAuth =
    options.tokenAuthMethod === 'client_secret_post'
      ? client.ClientSecretPost(options.clientSecret)
      : client.ClientSecretBasic(options.clientSecret);
  let discovered: Promise<client.Configuration> | undefined;

  function configuration(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(issuer, options.clientId, undefined, clientAuth, {
        timeout: 10,
        // openid-client refuses plain HTTP. A provider on the loopback interface (tests, a local
        // Keycloak) cannot be reached from another machine, so HTTP is allowed there and nowhere else;
        // config.ts already refuses any other http:// issuer.
        execute: isLoopbackHttp(issuer) ? [client.allowInsecureRequests] : [],
      })
      .catch((err: unknown) => {
        discovered = undefined;
        logger.warn({ err: errorSummary(err), issuer: options.issuer }, 'OpenID provider discovery failed');
        throw new AppError(
          ErrorCode.SERVICE_UNAVAILABLE,
          'Company sign-in is unavailable: the identity provider cannot be reached. Try again later.',
          {
            headers: { 'retry-after': '30' },
          },
        );
      });
    return discovered;
  }

  return {
    async authorizationUrl(checks) {
      const config = await configuration();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri,
        response_type: 'code',
        scope: OIDC_SCOPE,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
    },

    async exchangeCode(callbackUrl, checks) {
      const config = await configuration();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
      } catch (err) {
        logger.warn({ err: errorSummary(err) }, 'OpenID code exchange failed');
        if (isProtocolError(err)) {
          throw new AppError(ErrorCode.UNAUTHENTICATED, "The identity provider's answer could not be verified. Start the sign-in again.");
        }
        throw new AppError(
          ErrorCode.SERVICE_UNAVAILABLE,
          'Company sign-in is unavailable: the identity provider cannot be reached. Try again later.',
          {
            headers: { 'retry-after': '30' },
          },
        );
      }
      const claims = tokens.claims();
      if (!claims) throw new AppError(ErrorCode.UNAUTHENTICATED, 'The identity provider returned no ID token.');
      return claims;
    },
  };
}

/** A refusal or a malformed answer from the provider, as opposed to not reaching it at all. */
function isProtocolError(err: unknown): boolean {
  return (
    err instanceof client.ClientError ||
    err instanceof client.ResponseBodyError ||
    err instanceof client.AuthorizationResponseError ||
    err instanceof client.WWWAuthenticateChallengeError
  );
}

/** What is safe to log about a failed provider call: never the response body, which may carry tokens. */
function errorSummary(err: unknown) {
  if (!(err instanceof Error)) return { message: String(err) };
  const { code, error } = err as { code?: unknown; error?: unknown };
  return { name: err.name, message: err.message, code, error };
}
