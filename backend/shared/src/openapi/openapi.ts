import { createDocument, type ZodOpenApiPathsObject, type oas31 } from 'zod-openapi';
import { problemSchema } from '@secureevent/contracts';

/** Generates a service's OpenAPI 3.1 document from its route tables; never edit the output by hand. */
export function buildOpenApi(
  info: { title: string; description: string; version: string },
  paths: ZodOpenApiPathsObject[],
): oas31.OpenAPIObject {
  const merged: ZodOpenApiPathsObject = {};
  for (const p of paths) for (const [k, v] of Object.entries(p)) merged[k] = { ...merged[k], ...v };
  return createDocument({
    openapi: '3.1.0',
    info,
    paths: merged,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  });
}
