import { NO_EVENT } from '../windows/event-log';

/**
 * When an id (an account, a beneficiary of an originator, a device, an IP, a country pair) was first
 * and last seen, in event time, with bounded memory: a sighting whose last time is at or before
 * `expiry` (watermark − retention) counts as forgotten. Queries and updates apply that rule
 * themselves, so a result never depends on when a sweep last freed memory.
 *
 * "Seen as of t" needs a sighting with ts <= t (the first one), so an event processed later with an
 * earlier timestamp never leaks into an earlier event's features.
 */
export class Sighting {
  first = Infinity;
  last = NO_EVENT;

  seen(t: number, expiry: number): boolean {
    return this.last > expiry && this.first <= t;
  }

  /** The latest sighting (possibly after t), or NO_EVENT once forgotten. */
  latest(expiry: number): number {
    return this.last > expiry ? this.last : NO_EVENT;
  }

  forgotten(expiry: number): boolean {
    return this.last <= expiry;
  }

  record(ts: number, expiry: number): void {
    if (this.last <= expiry) {
      this.first = ts;
      this.last = ts;
      return;
    }
    if (ts < this.first) this.first = ts;
    if (ts > this.last) this.last = ts;
  }
}

/** Sightings by id (an originator's beneficiaries, devices, IPs or country pairs). */
export class SeenSet {
  private readonly sightings = new Map<string, Sighting>();

  get size(): number {
    return this.sightings.size;
  }

  seen(id: string, t: number, expiry: number): boolean {
    return this.sightings.get(id)?.seen(t, expiry) ?? false;
  }

  record(id: string, ts: number, expiry: number): void {
    let sighting = this.sightings.get(id);
    if (sighting === undefined) this.sightings.set(id, (sighting = new Sighting()));
    sighting.record(ts, expiry);
  }

  /** Frees the forgotten sightings. */
  sweep(expiry: number): void {
    for (const [id, sighting] of this.sightings) if (sighting.forgotten(expiry)) this.sightings.delete(id);
  }
}
