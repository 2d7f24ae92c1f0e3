import { Inject, Injectable } from '@nestjs/common';

import { READINESS_CHECKS, ReadinessCheck, ReadinessReport } from './readiness';

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  private draining = false;

  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** Called first on shutdown, so load balancers stop sending work while in-flight work finishes. */
  startDraining() {
    this.draining = true;
  }

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await probe(c)] as const));
    const checks = Object.fromEntries(results);
    if (this.draining) checks.shutdown = 'draining';
    const ready = !this.draining && results.every(([, result]) => result === 'up');
    return { status: ready ? 'ready' : 'not_ready', checks };
  }
}

async function probe(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return 'up';
  } catch (error) {
    return `down: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}
