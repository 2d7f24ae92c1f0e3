import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { TOPIC_SPECS } from '@vigil/contracts';
import { migrateUp } from '@vigil/migrations';

import { DevKafka } from '../dev-kafka';
import { portOrFree } from '../free-port';
import { ensureDatabase, PostgresServer, resolvePostgres } from '../postgres';
import { ServiceProcess } from './service-process';

const REPO = join(__dirname, '..', '..', '..', '..');
const DATABASE = 'vigil';
const CREATE_USER_CLI = join(REPO, 'libs', 'platform', 'dist', 'auth', 'create-user-cli.js');
const MODEL_CLI = join(REPO, 'libs', 'core-ml', 'dist', 'registry', 'model-cli.js');
const TRANSACTION_SIMULATOR = join(REPO, 'apps', 'risk-api', 'dist', 'simulator', 'cli.js');
const CAMERA_SIMULATOR = join(REPO, 'apps', 'defect-inspector', 'dist', 'simulator', 'cli.js');
const DEV_ADMIN = 'admin';

export interface PlatformOptions {
  brokers: number;
  /** Stream simulated traffic into the platform once it is up. */
  simulate: boolean;
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
  private simulators: ChildProcess[] = [];
  private stopped?: Promise<void>;

  constructor(private readonly options: PlatformOptions) {}

  async start(): Promise<PlatformState> {
    const { log } = this.options;
    log(`starting the development Kafka broker (${this.options.brokers} brokers)`);
    this.kafka = await DevKafka.start({ brokers: this.options.brokers, topics: [...TOPIC_SPECS], detached: true });

    const databaseUrl = await this.database();
    log('running migrations');
    for (const step of await migrateUp({ url: databaseUrl })) log(`  applied ${step.schema}: ${step.name}`);

    const admins = await this.seedAdmins(databaseUrl);
    await this.seedModels(databaseUrl);
    // A fresh secret per run unless JWT_SECRET is set: tokens from an earlier run stop working, nothing else does.
    if (!process.env.JWT_SECRET) log('JWT_SECRET is not set: signing tokens with a random secret for this run');
    const jwtSecret = process.env.JWT_SECRET || randomBytes(48).toString('base64url');
    // The development broker waits a fetch's full max wait even when data arrives meanwhile: keep it short.
    const env = { KAFKA_FETCH_MAX_WAIT_MS: '20', ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, KAFKA_BROKERS: this.kafka.brokers.join(','), JWT_SECRET: jwtSecret };
    for (const [name, preferredPort] of [
      ['risk-api', 3000],
      ['defect-inspector', 3001],
    ] as const) {
      const port = await portOrFree(preferredPort);
      log(`starting ${name} on port ${port}`);
      this.services.push(ServiceProcess.start(name, join(REPO, 'apps', name, 'dist', 'main.js'), port, env));
    }
    await Promise.all(this.services.map((service) => service.waitUntilReady(90_000)));
    this.explainLogin(admins);
    if (this.options.simulate) this.startSimulators(this.kafka.brokers);

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

  /**
   * A dev admin (`admin`) in each service that has no enabled admin yet, with VIGIL_ADMIN_PASSWORD
   * or a random password (the same for both), printed once by `explainLogin`.
   */
  private async seedAdmins(databaseUrl: string): Promise<{ password: string; createdIn: string[] }> {
    const password = process.env.VIGIL_ADMIN_PASSWORD || randomBytes(12).toString('base64url');
    const createdIn: string[] = [];
    for (const service of ['risk-api', 'defect-inspector']) {
      const { stdout } = await promisify(execFile)(process.execPath, [CREATE_USER_CLI, '--service', service, '--username', DEV_ADMIN, '--role', 'admin', '--if-no-admin'], {
        env: { ...process.env, DATABASE_URL: databaseUrl, VIGIL_PASSWORD: password },
      });
      this.options.log(`  ${stdout.trim()}`);
      if (stdout.startsWith('created')) createdIn.push(service);
    }
    return { password, createdIn };
  }

  /** The models the repository ships (models/), registered; a name with no champion gets its highest version. */
  private async seedModels(databaseUrl: string): Promise<void> {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MODEL_CLI, 'seed'], { env: { ...process.env, DATABASE_URL: databaseUrl } });
    for (const line of `${stdout}${stderr}`.trim().split('\n').filter(Boolean)) this.options.log(`  ${line.replace(/^model: /, '')}`);
  }

  private explainLogin({ password, createdIn }: { password: string; createdIn: string[] }) {
    const { log } = this.options;
    const existing = this.services.filter((service) => !createdIn.includes(service.name)).map((service) => service.name);
    if (createdIn.length > 0) {
      const source = process.env.VIGIL_ADMIN_PASSWORD ? 'VIGIL_ADMIN_PASSWORD' : 'shown once; set VIGIL_ADMIN_PASSWORD to choose it';
      log(`log in to ${createdIn.join(' and ')} as "${DEV_ADMIN}" with password ${password} (${source}):`);
    }
    if (existing.length > 0) {
      log(`${existing.join(' and ')} kept the admins of an earlier run; to add one:`);
      log(`  VIGIL_PASSWORD=... DATABASE_URL=... npm run user:create -- --service ${existing[0]} --username NAME --role admin`);
    }
    const url = this.services.find((service) => createdIn.includes(service.name))?.url ?? this.services[0]?.url;
    const shown = createdIn.length > 0 ? password : '<password>';
    log(`  TOKEN=$(curl -s -X POST ${url}/auth/token -H 'content-type: application/json' -d '{"username":"${DEV_ADMIN}","password":"${shown}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')`);
    log(`  curl -s ${url}/auth/me -H "authorization: Bearer $TOKEN"`);
  }

  /**
   * Traffic for the services to work on, with a fresh seed each run (the same seed would repeat
   * txIds, which the platform rightly ignores): a month of bank activity at 20 tx/s, and two line
   * cameras at 10 fps for an hour.
   */
  private startSimulators(brokers: string[]) {
    const seed = String(randomInt(2 ** 31));
    const kafka = brokers.join(',');
    this.options.log(`streaming simulated traffic (seed ${seed}): bank transactions at 20 tx/s, 2 cameras at 10 fps (npm run sim:transactions|sim:cameras -- --help)`);
    const run = (cli: string, args: string[]) =>
      spawn(process.execPath, [cli, '--kafka', kafka, '--seed', seed, '--quiet', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    this.simulators = [
      run(TRANSACTION_SIMULATOR, ['--rate', '20', '--accounts', '500', '--days', '30']),
      run(CAMERA_SIMULATOR, ['--cameras', '2', '--fps', '10', '--seconds', '3600']),
    ];
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
      const running = this.simulators.filter((simulator) => simulator.exitCode === null && simulator.signalCode === null);
      await Promise.all(
        running.map((simulator) => {
          const exited = once(simulator, 'exit');
          simulator.kill('SIGTERM');
          return exited;
        }),
      );
      await Promise.all(this.services.map((service) => service.stop(20_000)));
      await this.kafka?.stop();
      await this.postgres?.stop().catch(() => undefined); // already stopping if Ctrl-C reached it too
      rmSync(this.options.stateFile, { force: true });
    })();
    return this.stopped;
  }
}
