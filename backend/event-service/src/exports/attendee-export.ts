import { formatTicketCode, type AttendeeExportColumn, type Question } from '@secureevent/contracts';
import type { ExportedAttendee } from './exports.repository.js';

/** One cell of the export before it meets a file format: text, an instant, or empty. */
export type ExportCell = string | Date | null;

const HEADINGS: Record<Exclude<AttendeeExportColumn, 'answers'>, string> = {
  name: 'Name',
  email: 'Email',
  status: 'Status',
  ticketType: 'Ticket type',
  code: 'Code',
  registeredAt: 'Registered at (UTC)',
  checkedInAt: 'Checked in at (UTC)',
};

/** The export's layout: the chosen columns, `answers` standing for one column per question, in the event's order. */
export function exportLayout(columns: readonly AttendeeExportColumn[], questions: readonly Question[]) {
  const header: string[] = columns.flatMap((c) => (c === 'answers' ? questions.map((q) => q.label) : [HEADINGS[c]]));
  /** Whether column `i` holds instants (XLSX formats them as dates). */
  const isInstant: boolean[] = columns.flatMap((c) =>
    c === 'answers' ? questions.map(() => false) : [c === 'registeredAt' || c === 'checkedInAt'],
  );
  const row = (a: ExportedAttendee): ExportCell[] =>
    columns.flatMap((c): ExportCell[] => {
      switch (c) {
        case 'name':
          return [a.displayName];
        case 'email':
          return [a.email];
        case 'status':
          return [a.status];
        case 'ticketType':
          return [a.ticketType];
        case 'code':
          return [formatTicketCode(a.ticketCode)];
        case 'registeredAt':
          return [a.registeredAt];
        case 'checkedInAt':
          return [a.checkedInAt];
        case 'answers':
          return questions.map((q) => {
            const v = a.answers[q.id];
            return v === undefined ? null : typeof v === 'boolean' ? (v ? 'yes' : 'no') : v;
          });
      }
    });
  return { header, isInstant, row };
}
