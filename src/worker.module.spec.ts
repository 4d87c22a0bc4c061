import { loadConfig } from './config/env.schema';
import { HeartbeatProcessor } from './modules/queue/heartbeat.processor';
import { ALL_QUEUES, QUEUES } from './modules/queue/queue.constants';
import { consumedQueues, WorkerModule } from './worker.module';

describe('consumedQueues (WORKER_QUEUES)', () => {
  it('"all" consumes every queue, whatever the spacing', () => {
    expect(consumedQueues('all')).toEqual(ALL_QUEUES);
    expect(consumedQueues('  all ')).toEqual(ALL_QUEUES);
  });

  it('takes a comma-separated list, trimming blanks and empty items', () => {
    expect(consumedQueues(QUEUES.maintenance)).toEqual([QUEUES.maintenance]);
    expect(consumedQueues(` ${QUEUES.maintenance} , `)).toEqual([QUEUES.maintenance]);
  });

  it('names every unknown queue instead of silently consuming nothing', () => {
    expect(() => consumedQueues(`${QUEUES.maintenance},reminders,mail`)).toThrow(
      'WORKER_QUEUES: unknown queue(s) reminders, mail',
    );
  });

  it('refuses a list that names no queue', () => {
    expect(() => consumedQueues(' , ')).toThrow(/names no queue/);
  });

  it('is case-sensitive, as Bull queue names are', () => {
    expect(() => consumedQueues('Maintenance')).toThrow(/unknown queue\(s\) Maintenance/);
  });

  it('defaults to all queues when the variable is unset or empty', () => {
    expect(consumedQueues(loadConfig({}).WORKER_QUEUES)).toEqual(ALL_QUEUES);
    expect(consumedQueues(loadConfig({ WORKER_QUEUES: '' }).WORKER_QUEUES)).toEqual(ALL_QUEUES);
  });
});

describe('WorkerModule.forRoot', () => {
  it('provides the processors of the queues it consumes', () => {
    const mod = WorkerModule.forRoot(loadConfig({ WORKER_QUEUES: QUEUES.maintenance }));
    expect(mod.providers).toContain(HeartbeatProcessor);
  });

  it('refuses to build with an unknown queue', () => {
    expect(() => WorkerModule.forRoot(loadConfig({ WORKER_QUEUES: 'nope' }))).toThrow(/unknown queue\(s\) nope/);
  });
});
