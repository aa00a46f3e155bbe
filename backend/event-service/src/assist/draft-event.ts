import type { Kysely } from 'kysely';
import {
  AppError,
  ErrorCode,
  histogram,
  recordAudit,
  type AuthUser,
  type Limiter,
  type Logger,
  type Outbox,
  type RequestOrigin,
} from '@secureevent/shared';
import type { EventDraftRequest, EventDraftResponse } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { validDraft } from './draft-rules.js';
import { extractLocally } from './local-extractor.js';
import { ProviderUnavailable, type OpenAiProvider } from './openai-provider.js';

/** Drafts by provider and outcome (the count) and how long each took (the buckets). */
const drafts = histogram(
  'secureevent_assist_draft_seconds',
  'Event drafts by provider and outcome (ok, fallback, rate_limited), and how long each took',
  ['service', 'provider', 'outcome'],
  [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 20, 60],
);

export interface AssistDeps {
  db: Kysely<EventsDb>;
  outbox: Outbox;
  logger: Logger;
  limiter: Limiter;
  provider?: OpenAiProvider | undefined;
}

/**
 * Drafts an event from text: the configured model when there is one, else (or when it fails) the
 * local extractor. Nothing is saved but an audit record of who asked, which provider answered and
 * how long the text was — never the text.
 */
export async function draftEvent(
  deps: AssistDeps,
  user: AuthUser,
  request: EventDraftRequest,
  origin: RequestOrigin,
): Promise<EventDraftResponse> {
  const limit = await deps.limiter.hit(user.id);
  if (limit.blocked) {
    drafts.observe({ service: 'event-service', provider: 'none', outcome: 'rate_limited' }, 0);
    throw new AppError(ErrorCode.RATE_LIMITED, 'Too many drafts in the last hour. Try again later.', {
      headers: { 'retry-after': String(limit.retryAfterSeconds) },
    });
  }
  const ctx = { timeZone: request.timeZone, referenceTime: request.referenceTime ? new Date(request.referenceTime) : new Date() };
  const started = performance.now();
  let result: EventDraftResponse | undefined;
  let outcome = 'ok';
  if (deps.provider) {
    try {
      const answer = await deps.provider.draft(request.text, ctx);
      result = { ...answer, provider: deps.provider.name };
    } catch (err) {
      if (!(err instanceof ProviderUnavailable)) throw err;
      outcome = 'fallback';
      deps.logger.warn({ reason: err.reason, model: deps.provider.name }, 'assistant provider unavailable, using the local extractor');
      const local = extractLocally(request.text, ctx);
      result = {
        ...validDraft(local.draft),
        provider: 'local',
        warnings: [{ field: '', message: `${err.message}: drafted by the local extractor instead` }, ...local.warnings],
      };
    }
  } else {
    const local = extractLocally(request.text, ctx);
    const checked = validDraft(local.draft);
    result = { draft: checked.draft, warnings: [...local.warnings, ...checked.warnings], provider: 'local' };
  }
  drafts.observe(
    { service: 'event-service', provider: result.provider === 'local' ? 'local' : 'model', outcome },
    (performance.now() - started) / 1000,
  );
  await deps.db.transaction().execute((trx) =>
    recordAudit(deps.outbox, trx, {
      actorId: user.id,
      action: 'event.draft_assisted',
      targetId: null,
      outcome: 'success',
      reason:
        `${result.provider === 'local' ? 'local extractor' : `model ${result.provider}`}${outcome === 'fallback' ? ' (fallback)' : ''}; ${request.text.length} characters`.slice(
          0,
          200,
        ),
      origin,
    }),
  );
  return result;
}
