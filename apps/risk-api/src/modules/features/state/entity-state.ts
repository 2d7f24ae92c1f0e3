import { EventLog } from '../windows/event-log';
import { IncomingLog, OutgoingLog, SharedLog } from './logs';
import { SeenSet, Sighting } from './sighting';

/** Prunes a log to `floor`; undefined once it holds nothing (it is recreated on the next event). */
function pruned<T extends { readonly log: EventLog }>(entry: T | undefined, floor: number): T | undefined {
  if (entry === undefined) return undefined;
  entry.log.prune(floor);
  return entry.log.size > 0 ? entry : undefined;
}

function swept(set: SeenSet | undefined, expiry: number): SeenSet | undefined {
  if (set === undefined) return undefined;
  set.sweep(expiry);
  return set.size > 0 ? set : undefined;
}

/**
 * Everything the engine knows about one account, behind a single map lookup: its windowed logs
 * (created on first use) and its "seen before" memory.
 */
export class AccountState {
  /** Seen in any role. */
  readonly seen = new Sighting();
  /** Seen as an originator: `latest` is the last outgoing time, which dormancy needs after the log let go. */
  readonly sent = new Sighting();
  outgoing: OutgoingLog | undefined;
  incoming: IncomingLog | undefined;
  // As an originator: the beneficiaries, country pairs, devices and IPs it used.
  beneficiaries: SeenSet | undefined;
  countryPairs: SeenSet | undefined;
  devices: SeenSet | undefined;
  ips: SeenSet | undefined;

  /** Frees what is past retention; false once nothing is left, so the account can go. */
  prune(floor: number, expiry: number): boolean {
    // Every event of the account refreshes `seen`; once it is forgotten, so is everything else.
    if (this.seen.forgotten(expiry)) return false;
    this.outgoing = pruned(this.outgoing, floor);
    this.incoming = pruned(this.incoming, floor);
    this.beneficiaries = swept(this.beneficiaries, expiry);
    this.countryPairs = swept(this.countryPairs, expiry);
    this.devices = swept(this.devices, expiry);
    this.ips = swept(this.ips, expiry);
    return true;
  }
}

/** A device or an IP address: the transactions made from it and when it was seen. */
export class EndpointState {
  readonly seen = new Sighting();
  log: SharedLog | undefined;

  prune(floor: number, expiry: number): boolean {
    if (this.seen.forgotten(expiry)) return false;
    this.log = pruned(this.log, floor);
    return true;
  }
}

/** Entity states by id, created on first use and dropped once past retention. */
export class StateIndex<T extends { prune(floor: number, expiry: number): boolean }> {
  private readonly byId = new Map<string, T>();

  constructor(private readonly create: () => T) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  obtain(id: string): T {
    let state = this.byId.get(id);
    if (state === undefined) this.byId.set(id, (state = this.create()));
    return state;
  }

  values(): IterableIterator<T> {
    return this.byId.values();
  }

  sweep(floor: number, expiry: number): void {
    for (const [id, state] of this.byId) if (!state.prune(floor, expiry)) this.byId.delete(id);
  }
}
