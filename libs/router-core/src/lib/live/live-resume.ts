import { BadRequestException } from '@nestjs/common';

/** The seq a client already has, from `Last-Event-ID` (or `lastEventId` where headers cannot be set); -1: none. */
export function resumePoint(lastEventId: string | undefined): number {
  if (lastEventId === undefined || lastEventId === '') return -1;
  if (!/^\d{1,10}$/.test(lastEventId)) {
    throw new BadRequestException(
      'Last-Event-ID is not an event id of this feed: send the id of the last event received (a seq number)',
    );
  }
  return Number(lastEventId);
}

/** One event in the Server-Sent Events wire format. */
export function formatSse(event: { event: string; id?: string; data: unknown }): string {
  return `${event.id === undefined ? '' : `id: ${event.id}\n`}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
