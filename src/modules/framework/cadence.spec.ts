import { isValidCadence, parseRrule } from './cadence';

describe('homework cadence', () => {
  it.each(['once', 'FREQ=DAILY', 'FREQ=WEEKLY', 'FREQ=WEEKLY;BYDAY=SU', 'FREQ=WEEKLY;BYDAY=WE,SU', 'FREQ=MONTHLY', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO'])(
    'accepts %s',
    (c) => expect(isValidCadence(c)).toBe(true),
  );

  it.each([
    ['empty', ''],
    ['another word', 'weekly'],
    ['"Once" in another case', 'Once'],
    ['a prefix', 'RRULE:FREQ=DAILY'],
    ['FREQ not first', 'BYDAY=SU;FREQ=WEEKLY'],
    ['an unknown frequency', 'FREQ=FORTNIGHTLY'],
    ['lower case', 'freq=daily'],
    ['an unknown part', 'FREQ=DAILY;EVERY=2'],
    ['a repeated part', 'FREQ=DAILY;FREQ=WEEKLY'],
    ['a bad weekday', 'FREQ=WEEKLY;BYDAY=SUN'],
    ['a zero interval', 'FREQ=DAILY;INTERVAL=0'],
    ['COUNT with UNTIL', 'FREQ=DAILY;COUNT=3;UNTIL=20270101'],
    ['a dangling separator', 'FREQ=DAILY;'],
    ['a part without value', 'FREQ=DAILY;BYDAY'],
    ['an hour out of range', 'FREQ=DAILY;BYHOUR=24'],
  ])('refuses %s', (_label, c) => expect(isValidCadence(c)).toBe(false));

  it('parses the parts of a rule', () => {
    expect(parseRrule('FREQ=WEEKLY;BYDAY=-1SU,2MO;COUNT=4')).toEqual({ freq: 'WEEKLY', parts: { FREQ: 'WEEKLY', BYDAY: '-1SU,2MO', COUNT: '4' } });
  });
});
