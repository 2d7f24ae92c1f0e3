/**
 * The development Kafka broker: a child process running `native/dev-kafka.c` (librdkafka's mock
 * cluster), reachable by kafkajs over TCP on 127.0.0.1. Topics must be named up front because
 * the mock refuses CreateTopics; each partition keeps only its newest 5 MiB.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

/** Resolves from `src/` (ts-jest) and from `dist/` (after tsc) alike. */
export const DEV_KAFKA_BINARY = path.resolve(__dirname, '../build/dev-kafka');

export interface DevKafkaTopic {
  name: string;
  partitions: number;
}

export interface DevKafkaOptions {
  /** Brokers in the cluster, ids 1..brokers (default 3); replication factor min(3, brokers). */
  brokers?: number;
  topics: readonly DevKafkaTopic[];
  /** The launcher binary (default: libs/devstack/build/dev-kafka). */
  binary?: string;
  /**
   * Its own process group, so a terminal's Ctrl-C does not stop it before the services that are
   * still committing to it; the owner stops it last (it still dies with its parent).
   */
  detached?: boolean;
  /** How long to wait for the bootstrap list (default 10 s). */
  startTimeoutMs?: number;
  /** Receives the launcher's stderr lines (librdkafka warnings, `help` text) after startup. */
  onLog?: (line: string) => void;
}

const STOP_GRACE_MS = 5_000;
const STDERR_KEEP = 16 * 1024;

/** The launcher's argv for a cluster; throws on values it would refuse anyway. */
export function devKafkaArgs(brokers: number, topics: readonly DevKafkaTopic[]): string[] {
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 64) {
    throw new Error(`dev-kafka: brokers must be an integer 1..64, got ${brokers}`);
  }
  const args = ['--brokers', String(brokers)];
  for (const { name, partitions } of topics) {
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(name)) throw new Error(`dev-kafka: invalid topic name '${name}'`);
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new Error(`dev-kafka: topic ${name} needs a positive integer partition count, got ${partitions}`);
    }
    args.push('--topic', `${name}:${partitions}`);
  }
  return args;
}

/** `host:port,host:port` -> `['host:port', 'host:port']`. */
export function parseBootstrap(line: string): string[] {
  const brokers = line.trim().split(',').filter(Boolean);
  if (brokers.length === 0 || brokers.some((b) => !/^[^\s:]+:\d+$/.test(b))) {
    throw new Error(`dev-kafka: unexpected bootstrap line '${line}'`);
  }
  return brokers;
}

/** An ack line: `ok` -> null, `error <reason>` -> the reason. */
export function parseAck(line: string): string | null {
  if (line === 'ok') return null;
  if (line.startsWith('error')) return line.slice('error'.length).trim() || 'unknown error';
  return `unexpected reply '${line}'`;
}

function assertInt(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`dev-kafka: ${name} must be an integer >= ${min}, got ${value}`);
}

interface PendingCommand {
  line: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class DevKafka {
  // Lines reach the launcher in order and it answers each with one line, so acks match FIFO.
  private readonly pending: PendingCommand[] = [];
  private exitStatus: string | null = null;
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    /** The bootstrap list, one `host:port` per broker, broker 1 first. */
    readonly brokers: string[],
    /** Resolves with how the process ended, once its pipes are closed. */
    private readonly closed: Promise<string>,
  ) {
    void closed.then((status) => {
      this.exitStatus = status;
      for (const command of this.pending.splice(0)) {
        command.reject(new Error(`dev-kafka ${status} before answering '${command.line}'`));
      }
    });
  }

  static async start(options: DevKafkaOptions): Promise<DevKafka> {
    const binary = options.binary ?? DEV_KAFKA_BINARY;
    if (!existsSync(binary)) {
      throw new Error(
        `dev-kafka binary not found at ${binary}: build it with 'make -C libs/devstack/native' ` +
          `(it needs librdkafka-dev, e.g. 'apt-get install librdkafka-dev')`,
      );
    }
    const args = devKafkaArgs(options.brokers ?? 3, options.topics);
    const timeoutMs = options.startTimeoutMs ?? 10_000;
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: options.detached ?? false });
    // Writing to a launcher that just died raises EPIPE here; `closed` rejects the command instead.
    child.stdin.on('error', () => undefined);

    // Keep the stderr tail for startup errors; afterwards hand lines to onLog, if any.
    let stderr = '';
    let onStderr: (line: string) => void = (line) => (stderr = (stderr + line + '\n').slice(-STDERR_KEEP));
    createInterface({ input: child.stderr }).on('line', (line) => onStderr(line));

    const closed = new Promise<string>((resolve) => {
      child.on('close', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    });
    const failure = (why: string) => new Error(`dev-kafka ${why}${stderr ? `:\n${stderr.trimEnd()}` : ''}`);

    // One stdout listener for the process' life: the first line is the bootstrap list, then acks.
    let onStdout: (line: string) => void = () => undefined;
    createInterface({ input: child.stdout }).on('line', (line) => onStdout(line));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(failure(`printed no bootstrap list within ${timeoutMs} ms`)), timeoutMs);
        const settle = <T>(fn: (value: T) => void) => (value: T) => (clearTimeout(timer), fn(value));
        onStdout = settle(resolve);
        child.on('error', settle((e: Error) => reject(failure(`could not start: ${e.message}`))));
        void closed.then(settle((status: string) => reject(failure(status))));
      });
      const kafka = new DevKafka(child, parseBootstrap(line), closed);
      onStdout = (reply) => kafka.onReply(reply);
      if (options.onLog) onStderr = options.onLog;
      return kafka;
    } catch (error) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await closed;
      }
      throw error;
    }
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Resolves with how the launcher ended ("exited with code 0", "was killed by SIGKILL"). */
  get exited(): Promise<string> {
    return this.closed;
  }

  /** Disconnects the broker and refuses new connections; leaders do not move. */
  async brokerDown(id: number): Promise<void> {
    assertInt('brokerId', id, 1);
    return this.command(`down ${id}`);
  }

  async brokerUp(id: number): Promise<void> {
    assertInt('brokerId', id, 1);
    return this.command(`up ${id}`);
  }

  /** Delays every response of the broker by `ms`. */
  async setRtt(id: number, ms: number): Promise<void> {
    assertInt('brokerId', id, 1);
    assertInt('ms', ms, 0);
    return this.command(`rtt ${id} ${ms}`);
  }

  /** Moves a partition's leadership, e.g. off a broker that is down. */
  async setLeader(topic: string, partition: number, brokerId: number): Promise<void> {
    assertInt('partition', partition, 0);
    assertInt('brokerId', brokerId, 1);
    return this.command(`leader ${topic} ${partition} ${brokerId}`);
  }

  /** Pins the coordinator of a consumer group (default: a hash of the group id picks one). */
  async setGroupCoordinator(groupId: string, brokerId: number): Promise<void> {
    assertInt('brokerId', brokerId, 1);
    return this.command(`coordinator group ${groupId} ${brokerId}`);
  }

  /** The next requests of `apiKey` (0 Produce, 1 Fetch, ...), on any broker, fail with `codes` in order. */
  async pushRequestErrors(apiKey: number, codes: readonly number[]): Promise<void> {
    assertInt('apiKey', apiKey, 0);
    if (codes.length === 0 || !codes.every(Number.isInteger)) throw new Error('dev-kafka: codes must be one or more integers');
    return this.command(`errors ${apiKey} ${codes.join(' ')}`);
  }

  /** Sends one raw command line (see `dev-kafka.c` or send `help`); resolves on its `ok`. */
  command(line: string): Promise<void> {
    if (/[\r\n]/.test(line)) return Promise.reject(new Error('dev-kafka: a command is one line'));
    if (this.exitStatus !== null || this.stopping) {
      return Promise.reject(new Error(`dev-kafka is stopped; cannot run '${line}'`));
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      this.child.stdin.write(line + '\n');
    });
  }

  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.exitStatus === null) this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.closed;
      clearTimeout(timer);
    })();
    return this.stopping;
  }

  private onReply(line: string): void {
    const command = this.pending.shift();
    if (!command) return; // nothing asked: not an ack
    const reason = parseAck(line);
    if (reason === null) command.resolve();
    else command.reject(new Error(`dev-kafka '${command.line}': ${reason}`));
  }
}
