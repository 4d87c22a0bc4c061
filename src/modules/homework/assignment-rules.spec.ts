import { audienceRefusal, decideVisibility, defaultAssignees, Person } from './assignment-rules';

const injured: Person = { clientId: 'i', role: 'injured' };
const involved: Person = { clientId: 'v', role: 'involved' };
const mutual: Person = { clientId: 'm', role: 'mutual' };
const loner: Person = { clientId: 'l', role: null };
const couple = { kind: 'couple' as const, partners: 2 };

describe('audienceRefusal (the role rule)', () => {
  it('an involved template cannot go to the injured partner, and vice versa', () => {
    expect(audienceRefusal('involved', [injured], couple)?.code).toBe('audience_mismatch');
    expect(audienceRefusal('injured', [involved], couple)?.code).toBe('audience_mismatch');
    expect(audienceRefusal('involved', [involved], couple)).toBeNull();
    expect(audienceRefusal('injured', [injured], couple)).toBeNull();
  });

  it('a mutual partner fits either role; a client with no known role fits any', () => {
    expect(audienceRefusal('involved', [mutual], couple)).toBeNull();
    expect(audienceRefusal('injured', [mutual], couple)).toBeNull();
    expect(audienceRefusal('involved', [loner], { kind: 'individual', partners: 1 })).toBeNull();
  });

  it('a both template is a couple task: both partners of a couple plan', () => {
    expect(audienceRefusal('both', [injured, involved], couple)).toBeNull();
    expect(audienceRefusal('both', [injured], couple)?.code).toBe('audience_mismatch');
    expect(audienceRefusal('both', [loner], { kind: 'individual', partners: 1 })?.code).toBe('audience_mismatch');
  });

  it('each goes to anyone of the plan', () => {
    expect(audienceRefusal('each', [injured], couple)).toBeNull();
    expect(audienceRefusal('each', [injured, involved], couple)).toBeNull();
  });
});

describe('defaultAssignees', () => {
  it('is whom the audience is for', () => {
    expect(defaultAssignees('injured', [injured, involved])).toEqual(['i']);
    expect(defaultAssignees('involved', [injured, involved])).toEqual(['v']);
    expect(defaultAssignees('involved', [mutual, involved])).toEqual(['m', 'v']);
    expect(defaultAssignees('each', [injured, involved])).toEqual(['i', 'v']);
    expect(defaultAssignees('both', [injured, involved])).toEqual(['i', 'v']);
  });
});

describe('decideVisibility (within the couple’s privacy policy)', () => {
  const noSecrets = { kind: 'couple' as const, privacyPolicy: 'no_secrets' as const };
  const limited = { kind: 'couple' as const, privacyPolicy: 'limited_secrets' as const };
  const individual = { kind: 'individual' as const, privacyPolicy: null };

  it('no_secrets: shared, and private refused', () => {
    expect(decideVisibility(undefined, noSecrets, 'each')).toEqual({ visibility: 'shared' });
    expect(decideVisibility('shared', noSecrets, 'each')).toEqual({ visibility: 'shared' });
    expect(decideVisibility('private', noSecrets, 'each')).toMatchObject({ code: 'privacy_policy_no_secrets' });
  });

  it('limited_secrets: either; private by default except a couple task', () => {
    expect(decideVisibility(undefined, limited, 'each')).toEqual({ visibility: 'private' });
    expect(decideVisibility(undefined, limited, 'both')).toEqual({ visibility: 'shared' });
    expect(decideVisibility('shared', limited, 'injured')).toEqual({ visibility: 'shared' });
    expect(decideVisibility('private', limited, 'both')).toEqual({ visibility: 'private' });
  });

  it('an individual plan is private', () => {
    expect(decideVisibility(undefined, individual, 'each')).toEqual({ visibility: 'private' });
    expect(decideVisibility('shared', individual, 'each')).toMatchObject({ code: 'visibility_needs_couple_plan' });
  });
});
