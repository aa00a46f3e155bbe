/** Reminders go out this many minutes before an event starts: a day ahead and an hour ahead. */
export const REMINDER_OFFSETS_MINUTES = [24 * 60, 60] as const;

/** When the reminder `offsetMinutes` before `startsAt` is due. */
export const dueAt = (startsAt: Date, offsetMinutes: number) => new Date(startsAt.getTime() - offsetMinutes * 60_000);

/** "24 hours", "1 hour": how far ahead a reminder speaks. */
export function offsetLabel(offsetMinutes: number): string {
  if (offsetMinutes % 60 !== 0) return `${offsetMinutes} minutes`;
  const hours = offsetMinutes / 60;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/** Where a reminder comes from, as the unique source of its notification and email: a moved event gets a new one. */
export const reminderSourceKey = (registrationId: string, offsetMinutes: number, due: Date) =>
  `reminder:${registrationId}:${offsetMinutes}:${due.toISOString()}`;
