import { safeErrorText } from '../../common/logging/safe-error';
import type { ReminderSweeper, SweepReport } from './reminder-sweeper';
import { SweepRunner } from './reminders.worker';

const report: SweepReport = { reset: 0, enqueued: 0, reconciled: 0, reenqueued: 0 };

function fakeSweeper() {
  const calls: string[] = [];
  let release: (() => void) | null = null;
  const gate = () =>
    new Promise<void>((resolve) => {
      release = resolve;
    });
  const sweeper = {
    sweep: jest.fn(async () => {
      calls.push('full');
      await gate();
      return report;
    }),
    enqueueNearTerm: jest.fn(async () => {
      calls.push('near_term');
      await gate();
      return 0;
    }),
  };
  return { sweeper: sweeper as unknown as ReminderSweeper, calls, release: () => release?.() };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SweepRunner', () => {
  it('runs one sweep at a time; requests during a run make exactly one more run', async () => {
    const f = fakeSweeper();
    const runner = new SweepRunner(f.sweeper);
    const first = runner.run();
    runner.run(false);
    runner.run(false);
    runner.run(false);
    await tick();
    expect(f.calls).toEqual(['full']);
    f.release();
    await tick();
    await tick();
    expect(f.calls).toEqual(['full', 'near_term']);
    f.release();
    await first;
    expect(f.calls).toEqual(['full', 'near_term']);
  });

  it('a full request while a wake-up is pending upgrades it', async () => {
    const f = fakeSweeper();
    const runner = new SweepRunner(f.sweeper);
    const first = runner.run(false);
    runner.run(false);
    runner.run(true);
    await tick();
    f.release();
    await tick();
    await tick();
    f.release();
    await first;
    expect(f.calls).toEqual(['near_term', 'full']);
  });

  it('a failed sweep is logged, not thrown; stop() waits and then refuses new runs', async () => {
    const sweeper = { sweep: jest.fn().mockRejectedValue(new Error('redis away')) } as unknown as ReminderSweeper;
    const runner = new SweepRunner(sweeper);
    await expect(runner.run()).resolves.toBeUndefined();
    await runner.stop();
    await runner.run();
    expect(sweeper.sweep).toHaveBeenCalledTimes(1);
  });
});

describe('safeErrorText', () => {
  it('keeps the kind and code of an error, drops addresses, URLs and long numbers, and is short', () => {
    const err = Object.assign(new Error('550 5.1.1 <elise.martin@example.com>: mailbox unavailable at https://hooks.example/x?token=abc 123456789'), {
      code: 'EENVELOPE',
      responseCode: 550,
    });
    const text = safeErrorText(err);
    expect(text).toBe('Error EENVELOPE 550: 550 5.1.1 <<address>>: mailbox unavailable at <url> <n>');
    expect(text).not.toMatch(/elise|example\.com|token/);
    expect(safeErrorText(new Error('x'.repeat(1000))).length).toBeLessThanOrEqual(300);
    expect(safeErrorText('plain string')).toBe('Error: ');
  });
});
