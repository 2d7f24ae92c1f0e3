import { HealthService } from './health.service';
import { ReadinessCheck } from './readiness';

const check = (name: string, outcome: 'up' | Error | 'hang'): ReadinessCheck => ({
  name,
  check: () => (outcome === 'up' ? Promise.resolve() : outcome === 'hang' ? new Promise(() => undefined) : Promise.reject(outcome)),
});

describe(HealthService.name, () => {
  it('is ready when every dependency answers', async () => {
    const sut = new HealthService([check('postgres', 'up'), check('kafka', 'up')]);

    await expect(sut.readiness()).resolves.toEqual({ status: 'ready', checks: { postgres: 'up', kafka: 'up' } });
  });

  it('names the dependency that is down and why', async () => {
    const sut = new HealthService([check('postgres', 'up'), check('kafka', new Error('connect ECONNREFUSED'))]);

    await expect(sut.readiness()).resolves.toEqual({ status: 'not_ready', checks: { postgres: 'up', kafka: 'down: connect ECONNREFUSED' } });
  });

  it('gives up on a dependency that does not answer in time', async () => {
    jest.useFakeTimers();
    const sut = new HealthService([check('postgres', 'hang')]);

    const report = sut.readiness();
    await jest.advanceTimersByTimeAsync(2_000);

    await expect(report).resolves.toEqual({ status: 'not_ready', checks: { postgres: 'down: no answer within 2000 ms' } });
    jest.useRealTimers();
  });

  it('stops being ready once draining for shutdown', async () => {
    const sut = new HealthService([check('postgres', 'up')]);

    sut.startDraining();

    await expect(sut.readiness()).resolves.toEqual({ status: 'not_ready', checks: { postgres: 'up', shutdown: 'draining' } });
  });
});
