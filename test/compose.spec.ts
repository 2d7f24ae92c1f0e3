/**
 * The deployment, checked without a Docker engine: docker-compose.yml and its overlays, the Dockerfiles and the
 * monitoring provisioning are parsed and held to shared/STYLE.md R19, and to the code they deploy: the config
 * classes, the contract topics (TOPIC_SPECS) and the metrics the services export. The kafka-init script is run
 * against a stub kafka-topics.sh.
 *
 * ${VAR:-default} is read as its default and a bare ${VAR} as empty, as on a fresh checkout with no .env.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

import { parse } from 'yaml';

import { TOPIC_SPECS, TopicSpec } from '@vigil/contracts';
import { envVariableNames, InvalidEnvError, loadEnv, MetricsService, PlatformEnv } from '@vigil/platform';

import { DefectInspectorEnv } from '../apps/defect-inspector/src/config/env';
import { RiskApiEnv } from '../apps/risk-api/src/config/env';

const ROOT = resolve(__dirname, '..');

// ---------------------------------------------------------------------------------------------------------------
// Reading compose files

type EnvMap = Record<string, string>;
type Scalar = string | number | boolean | null;

interface Dependency {
  condition?: string;
}

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, string> };
  profiles?: string[];
  extends?: { service: string; file?: string };
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, Dependency>;
  restart?: string;
  privileged?: boolean;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  environment?: string[] | Record<string, Scalar>;
  volumes?: (string | { type?: string; source?: string; target: string })[];
  ports?: (string | { target: number; published?: string | number })[];
  command?: string | string[];
  entrypoint?: string | string[];
  stop_grace_period?: string;
  deploy?: { resources?: { reservations?: { devices?: { driver?: string; capabilities?: string[] }[] } } };
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** Compose interpolation with nothing set: `$$` is a literal `$`, `${VAR:-d}`/`${VAR-d}` is d, the rest empty. */
function interpolate(text: string): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match: string, _braced?: string, operator?: string, argument?: string) => {
      if (match === '$$') return '$';
      if (operator === ':-' || operator === '-') return interpolate(argument ?? '');
      return '';
    },
  );
}

function interpolateDeep<T>(value: T): T {
  if (typeof value === 'string') return interpolate(value) as T;
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateDeep(item)])) as T;
  }
  return value;
}

function readText(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

function readCompose(file: string): ComposeFile {
  const document = parse(readText(file), { merge: true }) as ComposeFile;
  return interpolateDeep(document);
}

function environmentOf(service: Service | undefined): EnvMap {
  const environment = service?.environment;
  if (environment === undefined) return {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, value === null ? '' : String(value)]));
}

function dependenciesOf(service: Service): { target: string; condition?: string }[] {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return dependsOn.map((target) => ({ target }));
  return Object.entries(dependsOn).map(([target, dependency]) => ({ target, condition: dependency?.condition }));
}

function words(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(/\s+/).filter((word) => word.length > 0);
}

/** Compose durations: 25s, 1m30s, 500ms. */
function durationMs(duration: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, ns: 0.000001 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)/g)];
  expect(parts.map((part) => part[0]).join('')).toBe(duration);
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit], 0);
}

/** Short volume syntax `source:target[:mode]`; a source that is not a path names a volume. */
function mountsOf(service: Service): { source: string; target: string }[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return { source: volume.source ?? '', target: volume.target };
    const [source, target] = volume.split(':');
    return { source, target };
  });
}

const isHostPath = (source: string) => /^[./~]/.test(source);

/** The file on this machine that compose mounts at `containerPath` in `service`. */
function hostPath(service: Service, containerPath: string): string {
  const mount = mountsOf(service).find(
    ({ source, target }) => isHostPath(source) && (containerPath === target || containerPath.startsWith(`${target}/`)),
  );
  if (mount === undefined) throw new Error(`nothing from the repository is mounted at ${containerPath}`);
  return resolve(ROOT, mount.source, relative(mount.target, containerPath));
}

/** Container ports a service publishes on the host, with the host port. */
function publishedPorts(service: Service | undefined): { host: number; container: number }[] {
  return (service?.ports ?? []).map((port) => {
    if (typeof port !== 'string') return { host: Number(port.published), container: port.target };
    const parts = port.replace(/\/(tcp|udp)$/, '').split(':');
    return { host: Number(parts[parts.length - 2]), container: Number(parts[parts.length - 1]) };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The rules, as lists of violations (an empty list passes, and a failure names the offenders)

const HEALTHY = 'service_healthy';
const COMPLETED = 'service_completed_successfully';

/** Services that others wait on to exit 0: they run once and need no healthcheck. */
function oneShots(services: Record<string, Service>): Set<string> {
  return new Set(
    Object.values(services).flatMap((service) =>
      dependenciesOf(service)
        .filter((dependency) => dependency.condition === COMPLETED)
        .map((dependency) => dependency.target),
    ),
  );
}

function hasHealthcheck(service: Service): boolean {
  const test = words(service.healthcheck?.test);
  return service.healthcheck?.disable !== true && test.length > 0 && test[0] !== 'NONE';
}

function withoutHealthcheck(services: Record<string, Service>, shots: Set<string>): string[] {
  return Object.entries(services)
    .filter(([name, service]) => !hasHealthcheck(service) && !shots.has(name))
    .map(([name]) => name);
}

function badDependencies(services: Record<string, Service>, all: Record<string, Service>): string[] {
  return Object.entries(services).flatMap(([name, service]) =>
    dependenciesOf(service).flatMap(({ target, condition }) => {
      if (all[target] === undefined) return [`${name} -> ${target}: no such service`];
      if (condition !== HEALTHY && condition !== COMPLETED) return [`${name} -> ${target}: condition ${condition ?? 'missing'}`];
      if (condition === HEALTHY && !hasHealthcheck(all[target])) return [`${name} -> ${target}: waits for health it never reports`];
      return [];
    }),
  );
}

function dependencyCycle(services: Record<string, Service>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): string[] => {
    if (state.get(name) === 'done' || services[name] === undefined) return [];
    if (state.get(name) === 'visiting') return [...path, name];
    state.set(name, 'visiting');
    for (const { target } of dependenciesOf(services[name])) {
      const cycle = visit(target, [...path, name]);
      if (cycle.length > 0) return cycle;
    }
    state.set(name, 'done');
    return [];
  };
  for (const name of Object.keys(services)) {
    const cycle = visit(name, []);
    if (cycle.length > 0) return cycle;
  }
  return [];
}

function restartViolations(services: Record<string, Service>, shots: Set<string>): string[] {
  return Object.entries(services).flatMap(([name, service]) => {
    if (shots.has(name)) return service.restart === undefined || service.restart === 'no' ? [] : [`${name} (one-shot): restart ${service.restart}`];
    // A simulator runs a finite stream: rerun it if it crashed, not once it is done.
    if (service.profiles?.includes('simulators')) return service.restart === 'on-failure' ? [] : [`${name} (simulator): restart ${service.restart ?? 'missing'}`];
    return service.restart === 'unless-stopped' || service.restart === 'always' ? [] : [`${name}: restart ${service.restart ?? 'missing'}`];
  });
}

/** An exact version: a digest, or a tag that starts with a dotted version number (not latest, not a bare major). */
function isPinned(reference: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(reference)) return true;
  const colon = reference.lastIndexOf(':');
  if (colon <= reference.lastIndexOf('/')) return false;
  const tag = reference.slice(colon + 1);
  return tag !== 'latest' && /^v?\d+\.\d+/.test(tag);
}

function unpinnedImages(services: Record<string, Service>): string[] {
  return Object.entries(services)
    .filter(([, service]) => service.image === undefined || !isPinned(service.image))
    .map(([name, service]) => `${name}: ${service.image ?? 'no image name (a build would be tagged latest)'}`);
}

/** The capabilities an image really needs back; every other service runs with none. */
const CAPABILITIES_NEEDED: Record<string, string[]> = {
  // The entrypoint chowns the data directory and drops from root to the postgres user.
  postgres: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
};

function hardeningViolations(services: Record<string, Service>): string[] {
  return Object.entries(services).flatMap(([name, service]) => {
    const problems: string[] = [];
    if (JSON.stringify(service.cap_drop) !== JSON.stringify(['ALL'])) problems.push(`${name}: cap_drop is not [ALL]`);
    if (!(service.security_opt ?? []).some((option) => /^no-new-privileges(:true)?$/.test(option))) problems.push(`${name}: no no-new-privileges`);
    if (service.privileged === true) problems.push(`${name}: privileged`);
    const added = [...(service.cap_add ?? [])].sort();
    if (JSON.stringify(added) !== JSON.stringify(CAPABILITIES_NEEDED[name] ?? [])) problems.push(`${name}: cap_add [${added.join(', ')}]`);
    return problems;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The files

const BASE_FILE = 'docker-compose.yml';
const OVERLAY_FILES = ['docker-compose.dev.yml', 'docker-compose.gpu.yml'] as const;

const base = readCompose(BASE_FILE);
const overlays = Object.fromEntries(OVERLAY_FILES.map((file) => [file, readCompose(file)])) as Record<(typeof OVERLAY_FILES)[number], ComposeFile>;
const dev = overlays['docker-compose.dev.yml'];
const gpu = overlays['docker-compose.gpu.yml'];
const services = base.services;
const service = (name: string): Service => {
  const found = services[name];
  if (found === undefined) throw new Error(`${BASE_FILE} has no ${name} service`);
  return found;
};

/** The two services and the class that declares and validates each one's configuration. */
const APPS: readonly { name: string; envClass: new () => PlatformEnv }[] = [
  { name: 'risk-api', envClass: RiskApiEnv },
  { name: 'defect-inspector', envClass: DefectInspectorEnv },
];

/** What a service's environment becomes with an overlay applied (compose merges environment maps). */
function stackEnvironments(name: string): [string, EnvMap][] {
  const own = environmentOf(service(name));
  return [
    [BASE_FILE, own],
    ...OVERLAY_FILES.map((file): [string, EnvMap] => [`${BASE_FILE} + ${file}`, { ...own, ...environmentOf(overlays[file].services[name]) }]),
  ];
}

/** The variables a config class cannot start without: those it rejects when nothing is set. */
function requiredVariables(envClass: new () => object): string[] {
  try {
    loadEnv(envClass, {});
    return [];
  } catch (error) {
    if (error instanceof InvalidEnvError) return error.problems.map((problem) => problem.variable).sort();
    throw error;
  }
}

/** `NAME://host:port,...` as a map from listener name to address. */
function listeners(value: string | undefined): Map<string, { host: string; port: number }> {
  return new Map(
    (value ?? '')
      .split(',')
      .filter((entry) => entry.trim().length > 0)
      .map((entry) => {
        const match = /^\s*([A-Za-z0-9_]+):\/\/([^:]*):(\d+)\s*$/.exec(entry);
        if (match === null) throw new Error(`unreadable listener ${entry}`);
        return [match[1], { host: match[2], port: Number(match[3]) }];
      }),
  );
}

const byName = (a: TopicSpec, b: TopicSpec) => a.name.localeCompare(b.name);
const contractTopics = () => TOPIC_SPECS.map(({ name, partitions }) => ({ name, partitions })).sort(byName);

// ---------------------------------------------------------------------------------------------------------------

describe(`${BASE_FILE}: healthy by construction (STYLE R19)`, () => {
  const shots = oneShots(services);

  it('gives every service a healthcheck, unless it is a one-shot that others wait for', () => {
    expect(shots.size).toBeGreaterThan(0);
    expect(withoutHealthcheck(services, shots)).toEqual([]);
  });

  it('orders start-up only with conditions (service_healthy / service_completed_successfully) on services that exist', () => {
    expect(badDependencies(services, services)).toEqual([]);
  });

  it('has no dependency cycle', () => {
    expect(dependencyCycle(services)).toEqual([]);
  });

  it('restarts long-running services and never restarts a one-shot into a loop', () => {
    expect(restartViolations(services, shots)).toEqual([]);
  });

  it('pins every image to an exact version: a version tag (never latest) or a digest', () => {
    expect(unpinnedImages(services)).toEqual([]);
  });

  it('drops every capability, forbids privilege escalation, and adds back only what an image needs', () => {
    expect(hardeningViolations(services)).toEqual([]);
  });

  it('keeps state in declared named volumes', () => {
    const named = Object.values(services).flatMap((svc) => mountsOf(svc).filter(({ source }) => !isHostPath(source)));
    const declared = Object.keys(base.volumes ?? {}).sort();

    expect(named.filter(({ source }) => !declared.includes(source))).toEqual([]);
    expect([...new Set(named.map(({ source }) => source))].sort()).toEqual(declared);
    for (const [name, dataDir] of [['postgres', '/var/lib/postgresql/data'], ['kafka', environmentOf(service('kafka')).KAFKA_LOG_DIRS]]) {
      expect(mountsOf(service(name)).find(({ target }) => target === dataDir)?.source).toEqual(expect.stringMatching(/^[a-z]/));
    }
  });

  it('mounts only repository files that exist', () => {
    const missing = Object.values(services)
      .flatMap((svc) => mountsOf(svc).filter(({ source }) => isHostPath(source)))
      .filter(({ source }) => !existsSync(resolve(ROOT, source)));

    expect(missing).toEqual([]);
  });

  it('starts both services after postgres is healthy and the migrate and kafka-init one-shots succeeded', () => {
    for (const { name } of APPS) {
      expect(dependenciesOf(service(name))).toEqual(
        expect.arrayContaining([
          { target: 'postgres', condition: HEALTHY },
          { target: 'migrate', condition: COMPLETED },
          { target: 'kafka-init', condition: COMPLETED },
        ]),
      );
    }
    expect(dependenciesOf(service('migrate'))).toEqual([{ target: 'postgres', condition: HEALTHY }]);
    expect(dependenciesOf(service('kafka-init'))).toEqual([{ target: 'kafka', condition: HEALTHY }]);
  });

  it('runs the migrations from the risk-api image', () => {
    const migrate = service('migrate');

    expect(migrate.image).toBe(service('risk-api').image);
    expect(migrate.build).toEqual(service('risk-api').build);
    expect(words(migrate.command)).toEqual(['sh', '-c', 'node migrations/dist/cli.js up && node libs/core-ml/dist/registry/model-cli.js seed']);
  });
});

describe('the services get only the configuration their config class declares', () => {
  describe.each(APPS)('$name', ({ name, envClass }) => {
    const declared = envVariableNames(envClass);
    const environment = environmentOf(service(name));

    it.each(stackEnvironments(name))('sets only variables the class declares (%s)', (_stack, env) => {
      expect(Object.keys(env).filter((variable) => !declared.includes(variable))).toEqual([]);
    });

    it('sets every variable the class requires, with values the class accepts', () => {
      const required = requiredVariables(envClass);

      expect(required).toEqual(expect.arrayContaining(['DATABASE_URL', 'KAFKA_BROKERS']));
      expect(required.filter((variable) => !environment[variable])).toEqual([]);
      for (const [, env] of stackEnvironments(name)) expect(() => loadEnv(envClass, env)).not.toThrow();
      expect(loadEnv(envClass, environment)).toMatchObject({ NODE_ENV: 'production', KAFKA_BROKERS: ['kafka:19092'] });
    });

    it('is probed on /health/ready', () => {
      expect(words(service(name).healthcheck?.test).join(' ')).toContain('/health/ready');
    });

    it('gives in-flight work longer than SHUTDOWN_TIMEOUT_MS before it is killed', () => {
      const { SHUTDOWN_TIMEOUT_MS } = loadEnv(envClass, environment);

      expect(durationMs(service(name).stop_grace_period ?? '10s')).toBeGreaterThan(SHUTDOWN_TIMEOUT_MS);
    });
  });

  it('gives migrate only a DATABASE_URL that risk-api (whose image it runs) declares and accepts', () => {
    const env = environmentOf(service('migrate'));

    expect(Object.keys(env).filter((variable) => !envVariableNames(RiskApiEnv).includes(variable))).toEqual([]);
    expect(env.DATABASE_URL).toBe(environmentOf(service('risk-api')).DATABASE_URL);
    expect(() => loadEnv(PlatformEnv, { ...env, KAFKA_BROKERS: 'kafka:19092', JWT_SECRET: 'x'.repeat(32) })).not.toThrow();
  });
});

describe('kafka runs KRaft with an internal and an external listener', () => {
  const kafka = environmentOf(service('kafka'));
  const bound = listeners(kafka.KAFKA_LISTENERS);
  const advertised = listeners(kafka.KAFKA_ADVERTISED_LISTENERS);
  const controller = kafka.KAFKA_CONTROLLER_LISTENER_NAMES;
  const internal = kafka.KAFKA_INTER_BROKER_LISTENER_NAME;

  it('is broker and controller in one process, with a controller quorum and no ZooKeeper anywhere', () => {
    const mentionsZooKeeper = (text: string) => /zookeeper/i.test(text);

    expect((kafka.KAFKA_PROCESS_ROLES ?? '').split(',').sort()).toEqual(['broker', 'controller']);
    expect(kafka.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${kafka.KAFKA_NODE_ID}@kafka:${bound.get(controller)?.port}`);
    for (const compose of [base, dev, gpu]) {
      for (const [name, svc] of Object.entries(compose.services)) {
        const env = environmentOf(svc);
        expect([name, svc.image ?? '', ...Object.keys(env), ...Object.values(env)].filter(mentionsZooKeeper)).toEqual([]);
      }
    }
  });

  it('advertises two client listeners: kafka:19092 for containers, localhost:9092 for the host', () => {
    expect([...advertised.values()].sort((a, b) => a.port - b.port)).toEqual([
      { host: 'localhost', port: 9092 },
      { host: 'kafka', port: 19092 },
    ]);
    expect(advertised.get(internal)).toEqual({ host: 'kafka', port: 19092 });
    for (const [name, address] of advertised) expect(bound.get(name)?.port).toBe(address.port);
  });

  it('keeps the controller listener off the advertised ones and maps every listener to a protocol', () => {
    const mapped = (kafka.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? '').split(',').map((pair) => pair.split(':')[0]);

    expect(bound.has(controller)).toBe(true);
    expect(advertised.has(controller)).toBe(false);
    expect([...bound.keys()].filter((name) => !mapped.includes(name))).toEqual([]);
  });

  it('points every client in the stack at the internal listener', () => {
    const address = `kafka:${advertised.get(internal)?.port}`;

    for (const { name } of APPS) expect(environmentOf(service(name)).KAFKA_BROKERS).toBe(address);
    expect(environmentOf(service('kafka-init')).BOOTSTRAP_SERVER).toBe(address);
    expect(environmentOf(dev.services['kafka-ui']).KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS).toBe(address);
    expect(words(service('kafka').healthcheck?.test).join(' ')).toContain(address);
  });

  it('publishes the external listener on the host in the dev overlay', () => {
    const external = [...advertised.entries()].find(([name]) => name !== internal)?.[0] ?? '';

    expect(publishedPorts(dev.services.kafka)).toContainEqual({ host: advertised.get(external)?.port, container: bound.get(external)?.port });
  });
});

describe('kafka-init creates exactly the contract topics (TOPIC_SPECS)', () => {
  const init = service('kafka-init');
  const environment = environmentOf(init);

  it('declares every contract topic with its partition count, and nothing else', () => {
    const declared = words(environment.TOPICS).map((spec) => {
      const [name, partitions] = spec.split(':');
      return { name, partitions: Number(partitions) };
    });

    expect(declared.sort(byName)).toEqual(contractTopics());
  });

  describe('its script, run against a stub kafka-topics.sh', () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'kafka-init-'));
      writeFileSync(
        join(dir, 'kafka-topics.sh'),
        [
          '#!/usr/bin/env bash',
          '# Records each call; keeps topics in a state file as "name partitions" lines.',
          'echo "$*" >> "$STUB_LOG"',
          'topic="" partitions="" action=""',
          'while (($#)); do',
          '  case "$1" in',
          '    --topic) topic="$2"; shift ;;',
          '    --partitions) partitions="$2"; shift ;;',
          '    --create|--describe|--alter) action="$1" ;;',
          '  esac',
          '  shift',
          'done',
          'current="$(awk -v t="$topic" \'$1 == t { c = $2 } END { print c }\' "$STUB_STATE")"',
          'case "$action" in',
          '  --create) [ -n "$current" ] || echo "$topic $partitions" >> "$STUB_STATE" ;;',
          '  --alter) echo "$topic $partitions" >> "$STUB_STATE" ;;',
          '  --describe) printf "Topic: %s\\tTopicId: x\\tPartitionCount: %s\\tReplicationFactor: 1\\tConfigs: \\n" "$topic" "$current" ;;',
          'esac',
          '',
        ].join('\n'),
      );
      chmodSync(join(dir, 'kafka-topics.sh'), 0o755);
      writeFileSync(join(dir, 'state'), '');
    });

    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** Runs the script compose mounts into kafka-init, with kafka-init's environment; returns the stub's calls. */
    function runScript(): string[][] {
      const [interpreter, script] = words(init.entrypoint);
      expect(interpreter).toBe('/bin/bash');
      execFileSync('bash', [hostPath(init, script)], {
        env: { PATH: process.env.PATH, ...environment, KAFKA_BIN: dir, STUB_LOG: join(dir, 'log'), STUB_STATE: join(dir, 'state') },
        stdio: 'pipe',
      });
      return readFileSync(join(dir, 'log'), 'utf8').trim().split('\n').map(words);
    }

    const option = (call: string[], name: string) => call[call.indexOf(name) + 1];
    const topicsOf = (calls: string[][], action: string) =>
      calls.filter((call) => call.includes(action)).map((call) => ({ name: option(call, '--topic'), partitions: Number(option(call, '--partitions')) }));

    it('creates every contract topic with its partition count, through the internal listener', () => {
      const calls = runScript();

      expect(topicsOf(calls, '--create').sort(byName)).toEqual(contractTopics());
      expect(calls.filter((call) => option(call, '--bootstrap-server') !== environment.BOOTSTRAP_SERVER)).toEqual([]);
      expect(topicsOf(calls, '--alter')).toEqual([]);
    });

    it('grows a topic that an older deployment created with fewer partitions', () => {
      const [first] = contractTopics();
      writeFileSync(join(dir, 'state'), `${first.name} 1\n`);

      expect(topicsOf(runScript(), '--alter')).toEqual([first]);
    });
  });
});

describe('the dev and GPU overlays only build on the base file', () => {
  it.each(OVERLAY_FILES)('%s references only services of the base file', (file) => {
    const overlay = overlays[file];
    const all = { ...services };
    for (const [name, svc] of Object.entries(overlay.services)) all[name] = { ...services[name], ...svc };

    expect(Object.keys(overlay.services).length).toBeGreaterThan(0);
    expect(badDependencies(overlay.services, all)).toEqual([]);
    expect(
      Object.values(overlay.services)
        .map((svc) => svc.extends)
        .filter((parent) => parent !== undefined && (parent.file ?? BASE_FILE) === BASE_FILE && services[parent.service] === undefined),
    ).toEqual([]);
  });

  it('the GPU overlay adds no service and reserves an NVIDIA GPU for defect-inspector only', () => {
    const reservations = (compose: ComposeFile) =>
      Object.entries(compose.services)
        .filter(([, svc]) => (svc.deploy?.resources?.reservations?.devices ?? []).some((device) => device.driver === 'nvidia' && device.capabilities?.includes('gpu')))
        .map(([name]) => name);

    expect(Object.keys(gpu.services).filter((name) => services[name] === undefined)).toEqual([]);
    expect(reservations(gpu)).toEqual(['defect-inspector']);
    expect(reservations(base)).toEqual([]);
  });

  it('the dev overlay adds a Kafka console UI that follows the base rules', () => {
    const added = Object.fromEntries(Object.entries(dev.services).filter(([name]) => services[name] === undefined));

    expect(Object.keys(added)).toContain('kafka-ui');
    expect(withoutHealthcheck(added, new Set())).toEqual([]);
    expect(restartViolations(added, new Set())).toEqual([]);
    expect(unpinnedImages(added)).toEqual([]);
    expect(hardeningViolations(added)).toEqual([]);
  });

  it('the dev overlay publishes ports on the loopback interface only', () => {
    const exposed = Object.entries(dev.services).flatMap(([name, svc]) =>
      (svc.ports ?? []).filter((port) => typeof port !== 'string' || !port.startsWith('127.0.0.1:')).map((port) => `${name}: ${JSON.stringify(port)}`),
    );

    expect(exposed).toEqual([]);
  });
});

describe('Prometheus scrapes both services and Grafana charts them', () => {
  const prometheus = service('prometheus');
  const grafana = service('grafana');
  /** prometheus.yml as compose mounts it where --config.file points. */
  const scrapeJobs = () => {
    const configFile = words(prometheus.command)
      .find((arg) => arg.startsWith('--config.file='))
      ?.split('=')[1];
    const config = parse(readFileSync(hostPath(prometheus, configFile ?? '/etc/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs?: { targets: string[] }[] }[];
    };
    return config.scrape_configs;
  };

  it.each(APPS)('scrapes $name:PORT/metrics as job $name', ({ name }) => {
    const job = scrapeJobs().find((config) => config.job_name === name);

    expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job?.static_configs?.flatMap((config) => config.targets)).toEqual([`${name}:${environmentOf(service(name)).PORT}`]);
  });

  const provisioning = hostPath(grafana, '/etc/grafana/provisioning');
  const yamlFiles = (dir: string) => readdirSync(dir).filter((file) => /\.ya?ml$/.test(file)).map((file) => parse(readFileSync(join(dir, file), 'utf8')));
  const datasources = yamlFiles(join(provisioning, 'datasources')).flatMap(
    (file: { datasources?: { uid: string; type: string; url: string }[] }) => file.datasources ?? [],
  );
  const providers = yamlFiles(join(provisioning, 'dashboards')).flatMap(
    (file: { providers?: { type: string; options: { path: string } }[] }) => file.providers ?? [],
  );

  it('provisions the Prometheus datasource at the prometheus service', () => {
    expect(datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
  });

  it('provisions dashboards from the folder compose mounts into grafana', () => {
    expect(providers).toEqual([expect.objectContaining({ type: 'file' })]);
    expect(existsSync(hostPath(grafana, providers[0].options.path))).toBe(true);
  });

  interface Target {
    expr?: string;
    datasource?: { uid?: string };
  }
  interface Panel {
    type: string;
    title: string;
    datasource?: { uid?: string };
    targets?: Target[];
    panels?: Panel[];
  }

  /** Where the provider looks, on this machine; none if compose mounts nothing there (a test below says so). */
  const dashboardDir = (() => {
    try {
      return hostPath(grafana, providers[0]?.options.path ?? '');
    } catch {
      return undefined;
    }
  })();
  const dashboards = (dashboardDir === undefined || !existsSync(dashboardDir) ? [] : readdirSync(dashboardDir))
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dashboardDir ?? '', file), 'utf8')) as { uid: string; panels: Panel[] } }));
  const panelsOf = (panels: Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...panelsOf(panel.panels ?? [])]).filter((panel) => panel.type !== 'row');
  const queriesOf = (panels: Panel[]) => panelsOf(panels).flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));

  /** The metric names a PromQL expression selects: identifiers outside label matchers, ranges, grouping clauses and calls. */
  function metricNames(expression: string): string[] {
    const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);
    const stripped = expression
      .replace(/"(?:[^"\\]|\\.)*"/g, '""')
      .replace(/\{[^}]*\}/g, ' ')
      .replace(/\[[^\]]*\]/g, ' ')
      .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
      .replace(/(?<![\w:])\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, ' ');
    return [...stripped.matchAll(/[A-Za-z_:][\w:]*/g)]
      .filter((match) => !/^\s*\(/.test(stripped.slice((match.index ?? 0) + match[0].length)))
      .map((match) => match[0])
      .filter((name) => !KEYWORDS.has(name.toLowerCase()));
  }

  /** The series the services export (the registry of libs/platform's MetricsService, prom-client's defaults included), and up. */
  let exported: Set<string>;
  beforeAll(async () => {
    const families = (await new MetricsService().registry.getMetricsAsJSON()).map((metric) => ({ name: metric.name, type: String(metric.type) }));
    exported = new Set([
      'up',
      ...families.flatMap(({ name, type }) =>
        type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : type === 'summary' ? [name, `${name}_sum`, `${name}_count`] : [name],
      ),
    ]);
  });

  it('has exactly one dashboard per service, with unique uids', () => {
    const jobsOf = (panels: Panel[]) => [...new Set(queriesOf(panels).flatMap(({ target }) => [...(target.expr ?? '').matchAll(/job="([^"]+)"/g)].map((m) => m[1])))];

    expect(dashboards.map(({ dashboard }) => jobsOf(dashboard.panels)).sort()).toEqual(APPS.map(({ name }) => [name]).sort());
    expect(new Set(dashboards.map(({ dashboard }) => dashboard.uid)).size).toBe(dashboards.length);
  });

  // A loop, not describe.each: with no dashboard found, the tests above fail by name instead of the suite erroring.
  for (const { file, dashboard } of dashboards) {
    describe(file, () => {
      const queries = queriesOf(dashboard.panels);
      const job = /job="([^"]+)"/.exec(queries[0]?.target.expr ?? '')?.[1] ?? '';

      it('queries the provisioned Prometheus datasource in every panel', () => {
        const uids = datasources.map((datasource) => datasource.uid);

        expect(queries.length).toBeGreaterThan(0);
        expect(queries.filter(({ panel, target }) => !uids.includes(target.datasource?.uid ?? panel.datasource?.uid ?? ''))).toEqual([]);
      });

      it('queries only metrics the services export', () => {
        const unknown = queries.flatMap(({ panel, target }) => metricNames(target.expr ?? '').filter((name) => !exported.has(name)).map((name) => `${panel.title}: ${name}`));

        expect(queries.every(({ target }) => metricNames(target.expr ?? '').length > 0)).toBe(true);
        expect(unknown).toEqual([]);
      });

      it('scopes every selector to the job Prometheus gives its service', () => {
        expect(scrapeJobs().map((config) => config.job_name)).toContain(job);
        const unscoped = queries.filter(({ target }) => (target.expr?.match(new RegExp(`job="${job}"`, 'g')) ?? []).length !== metricNames(target.expr ?? '').length);

        expect(unscoped.map(({ panel }) => panel.title)).toEqual([]);
      });

      it('charts HTTP rate and latency, Kafka consumed and dead-lettered, process CPU and memory, and readiness', () => {
        const used = new Set(queries.flatMap(({ target }) => metricNames(target.expr ?? '')));

        expect([...used]).toEqual(
          expect.arrayContaining([
            'http_request_duration_seconds_count',
            'http_request_duration_seconds_bucket',
            'kafka_messages_consumed_total',
            'kafka_messages_dead_lettered_total',
            'process_resident_memory_bytes',
            'up',
          ]),
        );
        expect([...used].some((name) => name.startsWith('process_cpu_'))).toBe(true);
      });
    });
  }
});

describe('the service images', () => {
  interface Instruction {
    keyword: string;
    args: string;
  }

  /** Dockerfile instructions, continuation lines joined and comments dropped, grouped by stage. */
  function stagesOf(dockerfile: string): Instruction[][] {
    const instructions = dockerfile
      .split('\n')
      .filter((line) => !/^\s*#/.test(line))
      .join('\n')
      .replace(/\\\n/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .map((line) => {
        const [keyword, ...rest] = line.split(/\s+/);
        return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
      });
    return instructions.reduce<Instruction[][]>((stages, instruction) => {
      if (instruction.keyword === 'FROM') stages.push([]);
      stages[stages.length - 1]?.push(instruction);
      return stages;
    }, []);
  }

  describe.each(APPS)('$name', ({ name }) => {
    const svc = service(name);
    const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
    const dockerfile = resolve(ROOT, build?.context ?? '.', build?.dockerfile ?? 'Dockerfile');
    const stages = existsSync(dockerfile) ? stagesOf(readFileSync(dockerfile, 'utf8')) : [];
    const final = stages[stages.length - 1] ?? [];
    const port = environmentOf(svc).PORT;

    it(`is built from deploy/service.Dockerfile for SERVICE=${name}, with the repository root as context`, () => {
      expect(relative(ROOT, dockerfile)).toBe('deploy/service.Dockerfile');
      expect(build?.args?.SERVICE).toBe(name);
      expect(resolve(ROOT, build?.context ?? '')).toBe(ROOT);
      expect(stages.length).toBeGreaterThan(1);
    });

    it('builds FROM pinned base images only', () => {
      const aliases: string[] = [];
      const unpinned = stages.flatMap((stage) => {
        const [image, as, alias] = stage[0].args.split(/\s+/).filter((word) => !word.startsWith('--'));
        const ok = aliases.includes(image) || isPinned(image);
        if (as?.toUpperCase() === 'AS') aliases.push(alias);
        return ok ? [] : [image];
      });

      expect(unpinned).toEqual([]);
    });

    it('runs its final stage as a non-root USER', () => {
      const user = final.filter(({ keyword }) => keyword === 'USER').pop()?.args.split(':')[0];

      expect(user).toBeDefined();
      expect(['root', '0', '']).not.toContain(user);
    });

    it(`starts apps/${name}/dist/main.js and exposes the PORT compose gives it`, () => {
      const cmd = final.filter(({ keyword }) => keyword === 'CMD').pop()?.args ?? '[]';
      const runs = final.filter(({ keyword }) => keyword === 'RUN').map(({ args }) => args);

      expect(JSON.parse(cmd)).toEqual(['node', 'main.js']);
      expect(runs).toContainEqual(expect.stringContaining('ln -s "apps/${SERVICE}/dist/main.js" main.js'));
      expect(final.filter(({ keyword }) => keyword === 'EXPOSE').map(({ args }) => args)).toEqual(['${PORT}']);
      expect(build?.args?.PORT).toBe(port);
      expect(words(svc.command)).toEqual([]);
    });

    it('sizes the libuv thread pool and runs in production mode', () => {
      const env = final.filter(({ keyword }) => keyword === 'ENV').map(({ args }) => args).join(' ');

      expect(env).toMatch(/\bUV_THREADPOOL_SIZE=\d+/);
      expect(env).toMatch(/\bNODE_ENV=production\b/);
    });
  });
});
