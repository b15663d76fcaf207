import * as fc from 'fast-check';
import { lint } from './validate-fixture';

describe('cron periods (F06)', () => {
  test('GIVEN a 5-field Periods entry (F06) WHEN validated THEN the error shows the 7-field form', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* 8-18 * * mon-fri"]\nTimezone = "UTC"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Periods[0]: got "* 8-18 * * mon-fri" (5 fields), expected 7 fields (second minute hour day-of-month month day-of-week year); with 5 fields the runner adds second 0, so the period is active only one second per minute. Fix: write "* * 8-18 * * mon-fri *".',
    ]);
  });

  test('GIVEN a 6-field Periods entry (F06) WHEN validated THEN the error explains the year reading and shows the fix', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri"]\nTimezone = "UTC"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Periods[0]: got "* * 8-18 * * mon-fri" (6 fields), expected 7 fields (second minute hour day-of-month month day-of-week year); with 6 fields the runner reads the last field "mon-fri" as the year and fails at start. Fix: write "* * 8-18 * * mon-fri *".',
    ]);
  });

  test('GIVEN a 6-field Periods entry that cronexpr reads with a year WHEN validated THEN the fix prefixes the seconds', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* 8-18 * * mon-fri 2027"]\nTimezone = "UTC"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Periods[0]: got "* 8-18 * * mon-fri 2027" (6 fields), expected 7 fields (second minute hour day-of-month month day-of-week year); with 6 fields the runner reads minute hour day-of-month month day-of-week year with second 0, so the period is active only one second per minute. Fix: write "* * 8-18 * * mon-fri 2027".',
    ]);
  });

  test('GIVEN a 6-field entry that parses as minute..year WHEN validated THEN the error explains the one-second window', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* 8-18 * * * *"]\nTimezone = "UTC"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Periods[0]: got "* 8-18 * * * *" (6 fields), expected 7 fields (second minute hour day-of-month month day-of-week year); with 6 fields the runner reads minute hour day-of-month month day-of-week year with second 0, so the period is active only one second per minute. Fix: write "* 8-18 * * * * *".',
    ]);
  });

  test('GIVEN 8 fields or 3 fields WHEN validated THEN the field count is reported', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri * *", "* * *"]\nTimezone = "UTC"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Periods[0]: got "* * 8-18 * * mon-fri * *" (8 fields), expected 7 fields (second minute hour day-of-month month day-of-week year); the runner silently ignores the fields after the 7th. Fix: write 7 fields, e.g. "* * 8-18 * * mon-fri *".',
      'error: runners[0].machine.autoscaling[0].Periods[1]: got "* * *" (3 fields), expected 7 fields (second minute hour day-of-month month day-of-week year); the runner fails at start. Fix: write 7 fields, e.g. "* * 8-18 * * mon-fri *".',
    ]);
  });

  test('GIVEN a cron macro in Periods WHEN validated THEN it is an error', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["@daily"]\nTimezone = "UTC"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Periods[0]: got "@daily", a cron macro; macros set second 0, so the period would be active one second per match. Fix: write 7 fields (second minute hour day-of-month month day-of-week year), e.g. "* * 8-18 * * mon-fri *".',
    ]);
  });

  test('GIVEN valid 7-field periods with names, lists, steps, L, W and # WHEN validated THEN nothing is reported', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *", "* */5 0-6,20-23 ? JAN-MAR SUN-SAT 2026-2030", "* * * L * * *", "* * * 15W * * *", "* * * LW * * *", "* * * ? * 5L *", "* * * ? * fri#3 *", "* * * * * 7 *", "* 0/15 * * * * *"]\nTimezone = "UTC"' })).toEqual([]);
  });

  test('GIVEN out-of-range fields WHEN validated THEN each problem names the field and the allowed values', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-25 * * mon-fri *", "60 * * * * * *", "* * * 0 13 * *", "* * * * * 8 *", "* * * * * * 1969"]\nTimezone = "UTC"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Periods[0]: got "* * 8-25 * * mon-fri *": hour field "8-25": 25 is out of range (allowed: 0-23). Fix: correct the field as described.',
      'error: runners[0].machine.autoscaling[0].Periods[1]: got "60 * * * * * *": second field "60": 60 is out of range (allowed: 0-59). Fix: correct the field as described.',
      'error: runners[0].machine.autoscaling[0].Periods[2]: got "* * * 0 13 * *": day-of-month field "0": 0 is out of range (allowed: 1-31, L, LW, 15W); month field "13": 13 is out of range (allowed: 1-12 or jan-dec). Fix: correct the fields as described.',
      'error: runners[0].machine.autoscaling[0].Periods[3]: got "* * * * * 8 *": day-of-week field "8": 8 is out of range (allowed: 0-6 or sun-sat, 5L, 5#3). Fix: correct the field as described.',
      'error: runners[0].machine.autoscaling[0].Periods[4]: got "* * * * * * 1969": year field "1969": 1969 is out of range (allowed: 1970-2099). Fix: correct the field as described.',
    ]);
  });

  test('GIVEN a backwards range WHEN validated THEN the error shows the wrap-around form', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 18-8 * * mon-fri *", "* * * * * fri-mon *"]\nTimezone = "UTC"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Periods[0]: got "* * 18-8 * * mon-fri *": hour field "18-8": the range "18-8" runs backwards and matches nothing (allowed: 0-23). Fix: write "* * 18-23,0-8 * * mon-fri *".',
      'error: runners[0].machine.autoscaling[0].Periods[1]: got "* * * * * fri-mon *": day-of-week field "fri-mon": the range "fri-mon" runs backwards and matches nothing (allowed: 0-6 or sun-sat, 5L, 5#3). Fix: write "* * * * * fri-sat,sun-mon *".',
    ]);
  });

  test('GIVEN bad steps, empty entries and junk WHEN validated THEN each is reported', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* */0 * * * * *", "* * 1,,2 * * * *", "* * foo * * * *", "* * * * * 9#2 *", "* * * * * 5#6 *"]\nTimezone = "UTC"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Periods[0]: got "* */0 * * * * *": minute field "*/0": step "/0" must be a number from 1 to 59 (allowed: 0-59). Fix: correct the field as described.',
      'error: runners[0].machine.autoscaling[0].Periods[1]: got "* * 1,,2 * * * *": hour field "1,,2": an empty list entry (allowed: 0-23). Fix: correct the field as described.',
      'error: runners[0].machine.autoscaling[0].Periods[2]: got "* * foo * * * *": hour field "foo": "foo" is not a valid value (allowed: 0-23). Fix: correct the field as described.',
      'error: runners[0].machine.autoscaling[0].Periods[3]: got "* * * * * 9#2 *": day-of-week field "9#2": 9 is out of range (allowed: 0-6 or sun-sat, 5L, 5#3). Fix: correct the field as described.',
      'error: runners[0].machine.autoscaling[0].Periods[4]: got "* * * * * 5#6 *": day-of-week field "5#6": "#6" is not a week number 1-5 (allowed: 0-6 or sun-sat, 5L, 5#3). Fix: correct the field as described.',
    ]);
  });

  test('GIVEN a seconds field other than * WHEN validated THEN a warning explains the one-second window', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["0 * 8-18 * * mon-fri *"]\nTimezone = "UTC"' })).toEqual([
      'warning: runners[0].machine.autoscaling[0].Periods[0]: got "0 * 8-18 * * mon-fri *": the second field is "0", so the period is active only during those seconds of each minute. Fix: write * for the seconds: "* * 8-18 * * mon-fri *".',
    ]);
  });

  test('GIVEN empty Periods WHEN validated THEN the entry never applies', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = []\nTimezone = "UTC"' })).toEqual([
      'warning: runners[0].machine.autoscaling[0].Periods: is empty, so this [[runners.machine.autoscaling]] entry never applies. Fix: add a period such as "* * 8-18 * * mon-fri *" or remove the entry.',
    ]);
  });

  test('GIVEN an autoscaling entry without Periods WHEN validated THEN it never applies', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nIdleCount = 1\nTimezone = "UTC"' })).toEqual([
      'warning: runners[0].machine.autoscaling[0].Periods: got nothing, so this [[runners.machine.autoscaling]] entry never applies. Fix: add Periods, e.g. ["* * 8-18 * * mon-fri *"].',
    ]);
  });

  test('GIVEN 7-field policy periods WHEN validated THEN the error shows the 5-field form (dialects are not mixed)', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\nperiods = ["* * 8-18 * * mon-fri *"]' })).toEqual([
      'error: runners[0].autoscaler.policy[0].periods[0]: got "* * 8-18 * * mon-fri *" (7 fields), expected 5 fields (minute hour day-of-month month day-of-week); [[runners.autoscaler.policy]] periods use unix cron, unlike docker+machine Periods. Fix: write "* 8-18 * * mon-fri".',
    ]);
  });

  test('GIVEN 6-field policy periods WHEN validated THEN the fix drops the seconds or the year', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\nperiods = ["* * 8-18 * * mon-fri", "* 8-18 * * mon-fri 2027"]' })).toEqual([
      'error: runners[0].autoscaler.policy[0].periods[0]: got "* * 8-18 * * mon-fri" (6 fields), expected 5 fields (minute hour day-of-month month day-of-week); [[runners.autoscaler.policy]] periods use unix cron, unlike docker+machine Periods. Fix: write "* 8-18 * * mon-fri".',
      'error: runners[0].autoscaler.policy[0].periods[1]: got "* 8-18 * * mon-fri 2027" (6 fields), expected 5 fields (minute hour day-of-month month day-of-week); [[runners.autoscaler.policy]] periods use unix cron, unlike docker+machine Periods. Fix: write "* 8-18 * * mon-fri".',
    ]);
  });

  test('GIVEN policy periods with L, 7 for Sunday, or out of range WHEN validated THEN unix cron rules apply', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\nperiods = ["* * L * *", "* * * * 7", "60 * * * *", "* * * * mon-fri"]' })).toEqual([
      'error: runners[0].autoscaler.policy[0].periods[0]: got "* * L * *": day-of-month field "L": "L" is not a valid value (allowed: 1-31). Fix: correct the field as described.',
      'error: runners[0].autoscaler.policy[0].periods[1]: got "* * * * 7": day-of-week field "7": 7 is out of range (allowed: 0-6 or sun-sat). Fix: correct the field as described.',
      'error: runners[0].autoscaler.policy[0].periods[2]: got "60 * * * *": minute field "60": 60 is out of range (allowed: 0-59). Fix: correct the field as described.',
    ]);
  });

  test('GIVEN a macro or too few fields in policy periods WHEN validated THEN they are reported', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\nperiods = ["@hourly", "* *"]' })).toEqual([
      'error: runners[0].autoscaler.policy[0].periods[0]: got "@hourly", a cron macro, expected 5 fields (minute hour day-of-month month day-of-week); [[runners.autoscaler.policy]] periods use unix cron, unlike docker+machine Periods. Fix: write 5 fields, e.g. "* 8-18 * * mon-fri".',
      'error: runners[0].autoscaler.policy[0].periods[1]: got "* *" (2 fields), expected 5 fields (minute hour day-of-month month day-of-week); [[runners.autoscaler.policy]] periods use unix cron, unlike docker+machine Periods. Fix: write 5 fields, e.g. "* 8-18 * * mon-fri".',
    ]);
  });

  test('GIVEN empty policy periods WHEN validated THEN a warning says the entry never applies', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\nperiods = []' })).toEqual([
      'warning: runners[0].autoscaler.policy[0].periods: is empty, so this [[runners.autoscaler.policy]] entry never applies. Fix: add a period such as "* 8-18 * * mon-fri" or remove periods (default "* * * * *").',
    ]);
  });
});

describe('time zones (F06)', () => {
  test('GIVEN Timezone = "Europe/Berln" (F06) WHEN validated THEN it is an error suggesting Europe/Berlin', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = "Europe/Berln"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Timezone: got "Europe/Berln", not an IANA time zone name; the runner fails to load it. Did you mean "Europe/Berlin"? Fix: write "Europe/Berlin".',
    ]);
  });

  test('GIVEN a zone in the wrong case WHEN validated THEN the canonical spelling is suggested (Go is case-sensitive)', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = "europe/berlin"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Timezone: got "europe/berlin", not an IANA time zone name; the runner fails to load it. Did you mean "Europe/Berlin"? Fix: write "Europe/Berlin".',
    ]);
  });

  test('GIVEN a bare city name WHEN validated THEN the zone with that city is suggested', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\ntimezone = "Berlin"' })).toEqual([
      'error: runners[0].autoscaler.policy[0].timezone: got "Berlin", not an IANA time zone name; the runner fails to load it. Did you mean "Europe/Berlin"? Fix: write "Europe/Berlin".',
    ]);
  });

  test('GIVEN a misspelled bare city WHEN validated THEN the closest city zone is suggested', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\ntimezone = "Tokio"' })).toEqual([
      'error: runners[0].autoscaler.policy[0].timezone: got "Tokio", not an IANA time zone name; the runner fails to load it. Did you mean "Asia/Tokyo"? Fix: write "Asia/Tokyo".',
    ]);
  });

  test('GIVEN a name far from any zone WHEN validated THEN the fix gives examples', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = "Middle/Of/Nowhere/Really"' })).toEqual([
      'error: runners[0].machine.autoscaling[0].Timezone: got "Middle/Of/Nowhere/Really", not an IANA time zone name; the runner fails to load it. Fix: write an IANA time zone name such as "UTC" or "Europe/Berlin".',
    ]);
  });

  test('GIVEN Timezone = "Local" WHEN validated THEN a warning says it follows the host clock', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = "Local"' })).toEqual([
      'warning: runners[0].machine.autoscaling[0].Timezone: is "Local", so the periods follow the time zone of whatever host runs the runner (often UTC on cloud images). Fix: write the IANA zone you mean, e.g. "Europe/Berlin", or "UTC".',
    ]);
  });

  test('GIVEN an empty Timezone WHEN validated THEN a warning says the runner reads it as Local', () => {
    expect(lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = ""' })).toEqual([
      'warning: runners[0].machine.autoscaling[0].Timezone: is empty, which the runner reads as "Local": the periods follow the time zone of whatever host runs the runner. Fix: write the IANA zone you mean, e.g. "Europe/Berlin", or "UTC".',
    ]);
  });

  test('GIVEN UTC, Etc/UTC, an alias and a canonical zone WHEN validated THEN they are accepted', () => {
    expect([lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = "UTC"' }), lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = "Etc/UTC"' }), lint({ after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = "US/Pacific"' }), lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\ntimezone = "America/New_York"' })].flat()).toEqual([]);
  });
});

describe('cron properties', () => {
  const field = (min: number, max: number) =>
    fc.oneof(
      fc.constant('*'),
      fc.integer({ min, max }).map(String),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.integer({ min: 1, max: Math.min(59, max - min + 1) }).map((s) => `*/${s}`),
    );
  const fiveFields = fc
    .tuple(field(0, 59), field(0, 23), field(1, 31), field(1, 12), fc.oneof(field(0, 6), fc.constantFrom('mon-fri', 'sat,sun')))
    .map((f) => f.join(' '));

  test('GIVEN any valid 5-field expression WHEN used as policy periods THEN it is accepted', () => {
    fc.assert(
      fc.property(fiveFields, (expr) => {
        expect(lint({ executor: '"docker-autoscaler"', machine: null, after: `[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\nperiods = ["${expr}"]` })).toEqual([]);
      }),
    );
  });

  test('GIVEN any valid 5-field expression WHEN used as docker+machine Periods THEN the error shows a fix that itself validates', () => {
    fc.assert(
      fc.property(fiveFields, (expr) => {
        const out = lint({ after: `[[runners.machine.autoscaling]]\nPeriods = ["${expr}"]\nTimezone = "UTC"` });
        expect(out).toHaveLength(1);
        const fix = /Fix: write "([^"]+)"\.$/.exec(out[0])?.[1];
        expect(fix).toBe(`* ${expr} *`);
        expect(lint({ after: `[[runners.machine.autoscaling]]\nPeriods = ["${fix}"]\nTimezone = "UTC"` })).toEqual([]);
      }),
    );
  });
});
