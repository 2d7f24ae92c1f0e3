import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { TOPIC_SPECS } from '@vigil/contracts';
import { migrateUp } from '@vigil/migrations';

import { DevKafka } from '../dev-kafka';
import { portOrFree } from '../free-port';
import { ensureDatabase, PostgresServer, resolvePostgres } from '../postgres';
import { ServiceProcess } from './service-process';

const REPO = join(__dirname, '..', '..', '..', '..');
const DATABASE = 'vigil';

export interface PlatformOptions {
  brokers: number;
  /** Where the running platform's addresses are written for tools and tests to find. */
  stateFile: string;
  log: (line: string) => void;
}

export interface PlatformState {
  services: Record<string, string>;
  kafkaBrokers: string[];
  databaseUrl: string;
  postgres: 'DATABASE_URL' | PostgresServer['source'];
}

/**
 * The whole platform on one machine, with nothing installed but the project: the development
 * Kafka broker, Postgres (DATABASE_URL, else the local server, else embedded), migrations, and
 * both services. `stop()` takes it all down, services first so they commit their work.
 */
export class PlatformRunner {
  private kafka?: DevKafka;
  private postgres?: PostgresServer;
  private services: ServiceProcess[] = [];
  private stopped?: Promise<void>;

  constructor(private readonly options: PlatformOptions) {}

  async start(): Promise<PlatformState> {
    const { log } = this.options;
    log(`starting the development Kafka broker (${this.options.brokers} brokers)`);
    this.kafka = await DevKafka.start({ brokers: this.options.brokers, topics: [...TOPIC_SPECS] });

    const databaseUrl = await this.database();
    log('running migrations');
    for (const step of await migrateUp({ url: databaseUrl })) log(`  applied ${step.schema}: ${step.name}`);

    const env = { ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, KAFKA_BROKERS: this.kafka.brokers.join(',') };
    for (const [name, preferredPort] of [
      ['risk-api', 3000],
      ['defect-inspector', 3001],
    ] as const) {
      const port = await portOrFree(preferredPort);
      log(`starting ${name} on port ${port}`);
      this.services.push(ServiceProcess.start(name, join(REPO, 'apps', name, 'dist', 'main.js'), port, env));
    }
    await Promise.all(this.services.map((service) => service.waitUntilReady(90_000)));

    const state: PlatformState = {
      services: Object.fromEntries(this.services.map((s) => [s.name, s.url])),
      kafkaBrokers: this.kafka.brokers,
      databaseUrl,
      postgres: process.env.DATABASE_URL ? 'DATABASE_URL' : (this.postgres?.source ?? 'local'),
    };
    mkdirSync(dirname(this.options.stateFile), { recursive: true });
    writeFileSync(this.options.stateFile, `${JSON.stringify(state, null, 2)}\n`);
    return state;
  }

  private async database(): Promise<string> {
    if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
    this.postgres = await resolvePostgres({ dataDir: join(REPO, '.devdata', 'postgres') });
    this.options.log(this.postgres.source === 'local' ? 'using the local Postgres server' : `using embedded Postgres (data in ${this.postgres.dataDir})`);
    return ensureDatabase(this.postgres.adminUrl, DATABASE);
  }

  /** Any service that has exited on its own, so the runner can bring everything down with it. */
  exitedService(): string | undefined {
    return this.services.find((service) => !service.running)?.name;
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await Promise.all(this.services.map((service) => service.stop(20_000)));
      await this.kafka?.stop();
      await this.postgres?.stop().catch(() => undefined); // already stopping if Ctrl-C reached it too
      rmSync(this.options.stateFile, { force: true });
    })();
    return this.stopped;
  }
}
