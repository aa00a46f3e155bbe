import { describeEventSchedule } from './event-schedule';

describe('describeEventSchedule', () => {
  const event = {
    startsAt: '2030-03-10T08:00:00.000Z',
    endsAt: '2030-03-10T10:30:00.000Z',
    timeZone: 'Europe/Paris',
  };

  it('when the viewer is in the event zone, then only the viewer time is given', () => {
    const schedule = describeEventSchedule(event, 'Europe/Paris', 'en-US');

    expect(schedule.inViewerZone).toMatch(/Sun, Mar 10, 2030, 9:00\s?–\s?11:30\sAM GMT\+1/);
    expect(schedule.inEventZone).toBeNull();
  });

  it('when the viewer zone has the same clock as the event zone, then only the viewer time is given', () => {
    const schedule = describeEventSchedule(event, 'Europe/Berlin', 'en-US');

    expect(schedule.inEventZone).toBeNull();
  });

  it('when the viewer is elsewhere, then both the viewer time and the event time are given', () => {
    const schedule = describeEventSchedule(event, 'America/New_York', 'en-US');

    expect(schedule.inViewerZone).toMatch(/Sun, Mar 10, 2030, 4:00\s?–\s?6:30\sAM EDT/);
    expect(schedule.inEventZone).toMatch(/9:00\s?–\s?11:30\sAM GMT\+1/);
  });

  it('when the event zone is unknown, then the viewer time is still given', () => {
    const schedule = describeEventSchedule(
      { ...event, timeZone: 'Mars/Olympus_Mons' },
      'UTC',
      'en-US',
    );

    expect(schedule.inViewerZone).toContain('8:00');
    expect(schedule.inEventZone).toBeNull();
  });
});
