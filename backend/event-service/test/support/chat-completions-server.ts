import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake provider received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** How the fake provider answers the next request: a status and JSON body, or a delay. */
export type Behaviour =
  | { kind: 'answer'; content: string }
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'hang'; ms: number };

/**
 * A local HTTP server speaking the OpenAI Chat Completions protocol (POST /v1/chat/completions,
 * non-streaming), as OpenAI, Azure OpenAI, Ollama, vLLM and llama.cpp's server do: it records what
 * it was sent and answers as told, so tests check both directions of the protocol.
 */
export async function startChatCompletionsServer() {
  const received: ReceivedRequest[] = [];
  let next: Behaviour = { kind: 'answer', content: '{}' };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // recorded as empty: the test asserts on it
      }
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const behaviour = next;
      if (req.url !== '/v1/chat/completions' || req.method !== 'POST') {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
        return;
      }
      if (behaviour.kind === 'hang') {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), behaviour.ms).unref();
        return;
      }
      if (behaviour.kind === 'status') {
        res.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers }).end(JSON.stringify(behaviour.body));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-test',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: typeof body.model === 'string' ? body.model : 'unknown',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: behaviour.content, refusal: null } }],
          usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    received,
    answerNext(behaviour: Behaviour) {
      next = behaviour;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A complete model answer (every field present, nulls where the text gives nothing). */
export function modelAnswer(fields: Record<string, unknown>): string {
  return JSON.stringify({
    title: null,
    description: null,
    startsAt: null,
    endsAt: null,
    timeZone: null,
    venue: null,
    onlineUrl: null,
    capacity: null,
    visibility: null,
    tags: [],
    registrationOpensAt: null,
    registrationClosesAt: null,
    questions: [],
    warnings: [],
    ...fields,
  });
}
