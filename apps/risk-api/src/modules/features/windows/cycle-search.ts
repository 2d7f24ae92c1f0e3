import { EventLog } from './event-log';

/** The transfer graph as the logs hold it: per account, its outgoing and incoming events. */
export interface TransferGraph {
  /** Events sent by `account`; `other` is the beneficiary. */
  outgoing(account: string): EventLog | undefined;
  /** Events received by `account`; `other` is the sender. */
  incoming(account: string): EventLog | undefined;
}

/** The longest cycle looked for, counting the transfer that closes it (a path back of 7 transfers). */
export const MAX_CYCLE_LENGTH = 8;

/** Accounts reached in the last step of one side, each with its time (arrival or departure). */
type Frontier = Map<string, number>;

/**
 * The length of the shortest cycle that the transfer originator → beneficiary closes: a path
 * beneficiary → … → originator of at most MAX_CYCLE_LENGTH − 1 earlier transfers with
 * lower < ts <= t whose times never decrease along the path (money can only be forwarded after it
 * arrived). Returns the cycle length counting the current transfer (2..MAX_CYCLE_LENGTH), or 0 when
 * there is none.
 *
 * Bidirectional, one transfer per step: forward from B, the earliest time money from B can be at
 * each account within f transfers; backward from O, the latest time money can leave each account
 * and still reach O within g transfers. A path of at most f + g transfers exists exactly when some
 * account's earliest arrival is no later than its latest departure, so the first step that makes one
 * meet gives the shortest length. Each step extends the side with fewer edges to scan, so a hub is
 * approached from the other side. The work is bounded by `budget` edges (hub accounts); past it the
 * answer is 0 ("none found").
 */
export function shortestCycleBack(graph: TransferGraph, originator: string, beneficiary: string, lower: number, t: number, budget: number): number {
  if (originator === beneficiary) return 0;
  // Money starts at B (its first transfer only needs lower < ts) and must leave O's way by t.
  const arrival = new Map<string, number>([[beneficiary, -Infinity]]);
  const departure = new Map<string, number>([[originator, t]]);
  let forward: Frontier = new Map(arrival);
  let backward: Frontier = new Map(departure);
  let left = budget;

  for (let transfers = 1; transfers < MAX_CYCLE_LENGTH; transfers++) {
    if (forward.size === 0 && backward.size === 0) return 0;
    const forwardCost = forward.size === 0 ? Infinity : cost(forward, (account, at) => outgoingRange(graph, account, at, lower, t));
    const backwardCost = backward.size === 0 ? Infinity : cost(backward, (account, at) => incomingRange(graph, account, at, lower));
    const goForward = forwardCost <= backwardCost;
    left -= goForward ? forwardCost : backwardCost;
    if (left < 0) return 0;
    if (goForward) {
      forward = stepForward(graph, forward, arrival, lower, t);
      if (meets(forward, (account, at) => at <= (departure.get(account) ?? -Infinity))) return transfers + 1;
    } else {
      backward = stepBackward(graph, backward, departure, lower);
      if (meets(backward, (account, at) => (arrival.get(account) ?? Infinity) <= at)) return transfers + 1;
    }
  }
  return 0;
}

/** A frontier account's outgoing events money there at `at` can take: at <= ts, lower < ts <= t. */
function outgoingRange(graph: TransferGraph, account: string, at: number, lower: number, t: number): [EventLog, number, number] | undefined {
  const log = graph.outgoing(account);
  if (log === undefined) return undefined;
  return [log, Math.max(log.indexAfter(lower), log.indexFrom(at)), log.indexAfter(t)];
}

/** A frontier account's incoming events that still reach O when money leaves it by `at`: lower < ts <= at. */
function incomingRange(graph: TransferGraph, account: string, at: number, lower: number): [EventLog, number, number] | undefined {
  const log = graph.incoming(account);
  if (log === undefined) return undefined;
  return [log, log.indexAfter(lower), log.indexAfter(at)];
}

/** The edges a step from `frontier` would scan (binary searches only). */
function cost(frontier: Frontier, range: (account: string, at: number) => [EventLog, number, number] | undefined): number {
  let edges = 0;
  for (const [account, at] of frontier) {
    const found = range(account, at);
    if (found !== undefined) edges += Math.max(0, found[2] - found[1]);
  }
  return edges;
}

/** One more transfer forward; the accounts whose earliest arrival it improved. */
function stepForward(graph: TransferGraph, frontier: Frontier, arrival: Map<string, number>, lower: number, t: number): Frontier {
  const next: Frontier = new Map();
  // Times from the previous step (frontier), so one step never chains two transfers.
  for (const [account, at] of frontier) {
    const found = outgoingRange(graph, account, at, lower, t);
    if (found === undefined) continue;
    const [log, from, to] = found;
    for (let i = from; i < to; i++) {
      const reached = log.other[i];
      if (log.ts[i] < (arrival.get(reached) ?? Infinity)) {
        arrival.set(reached, log.ts[i]);
        next.set(reached, log.ts[i]);
      }
    }
  }
  return next;
}

/** One more transfer backward; the accounts whose latest departure it improved. */
function stepBackward(graph: TransferGraph, frontier: Frontier, departure: Map<string, number>, lower: number): Frontier {
  const next: Frontier = new Map();
  for (const [account, at] of frontier) {
    const found = incomingRange(graph, account, at, lower);
    if (found === undefined) continue;
    const [log, from, to] = found;
    for (let i = from; i < to; i++) {
      const sender = log.other[i];
      if (log.ts[i] > (departure.get(sender) ?? -Infinity)) {
        departure.set(sender, log.ts[i]);
        next.set(sender, log.ts[i]);
      }
    }
  }
  return next;
}

function meets(changed: Frontier, holds: (account: string, at: number) => boolean): boolean {
  for (const [account, at] of changed) if (holds(account, at)) return true;
  return false;
}
