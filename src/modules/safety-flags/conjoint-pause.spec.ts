import { conjointWorkPauseReason, FlagFacts, isConjointWorkPaused, pausesConjointWork } from './conjoint-pause';

const flag = (over: Partial<FlagFacts> = {}): FlagFacts => ({ kind: 'intimate_partner_violence', severity: 'high', status: 'active', ...over });

describe('conjoint work pause', () => {
  it('an active high-severity IPV flag pauses', () => {
    expect(pausesConjointWork(flag())).toBe(true);
  });

  it.each([
    ['moderate IPV', flag({ severity: 'moderate' })],
    ['low IPV', flag({ severity: 'low' })],
    ['resolved high IPV', flag({ status: 'resolved' })],
    ['high ongoing affair', flag({ kind: 'ongoing_affair' })],
    ['high self-harm risk', flag({ kind: 'self_harm_risk' })],
  ])('%s does not pause', (_label, f) => {
    expect(pausesConjointWork(f)).toBe(false);
  });

  it('either partner’s flag pauses the couple, with its reason', () => {
    const partners = [
      { active: true, flags: [] },
      { active: true, flags: [flag({ severity: 'moderate' }), flag()] },
    ];
    expect(isConjointWorkPaused(partners)).toBe(true);
    expect(conjointWorkPauseReason(partners)).toBe('high_severity_ipv_flag');
  });

  it('an inactive partner (dissolved couple) does not pause it', () => {
    expect(isConjointWorkPaused([{ active: false, flags: [flag()] }, { active: false, flags: [] }])).toBe(false);
  });

  it('no partners, no flags: not paused', () => {
    expect(conjointWorkPauseReason([])).toBeNull();
    expect(isConjointWorkPaused([{ active: true, flags: [] }, { active: true, flags: [] }])).toBe(false);
  });
});
