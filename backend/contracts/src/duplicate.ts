import { z } from 'zod';
import { instant } from './text.js';

/** `POST /api/events/:id/duplicate`: the copy's start; every other time moves with it. The source's times when absent. */
export const duplicateEventRequestSchema = z
  .object({
    startsAt: instant().optional().meta({ description: 'When the copy starts.', example: '2031-03-02T09:00:00Z' }),
  })
  .strict()
  .meta({ id: 'DuplicateEventRequest' });
export type DuplicateEventRequest = z.infer<typeof duplicateEventRequestSchema>;
