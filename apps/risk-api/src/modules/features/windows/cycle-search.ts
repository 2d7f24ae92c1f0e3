import { EventLog } from './event-log';

/** The transfer graph as the logs hold it: per account, its outgoing and incoming events. */
export interface TransferGraph {
  /** Events sent by `account`; `other` is the beneficiary. */
  outgoing(account: string): EventLog | undefined;
  /** Events received by `account`; `other` is the sender. */
  incoming(account: string): EventLog | undefined;
}

/**
 * The length of the shortest cycle that the transfer originator → beneficiary closes: a path
 * beneficiary → … → originator of at most 3 earlier transfers with lower < ts <= t whose times never
 * decrease along the path (money can only be forwarded after it arrived). Returns the cycle length
 * counting the current transfer (2, 3 or 4), or 0 when there is none.
 *
 * Meet in the middle instead of a depth-3 walk: A = first time b paid each x, B = last time each y
 * paid o; length 3 is x ∈ A ∩ B with A[x] <= B[x]; length 4 is an edge x → y with A[x] <= ts <= B[y].
 * The work is bounded by `budget` edges (hub accounts); past it the answer is 0 ("none found").
 */
export function shortestCycleBack(graph: TransferGraph, originator: string, beneficiary: string, lower: number, t: number, budget: number): number {
  if (originator === beneficiary) return 0;
  const fromBeneficiary = graph.outgoing(beneficiary);
  const intoOriginator = graph.incoming(originator);
  if (fromBeneficiary === undefined || intoOriginator === undefined) return 0;
  const paidStart = fromBeneficiary.indexAfter(lower);
  const paidEnd = fromBeneficiary.indexAfter(t);
  const forwardedStart = intoOriginator.indexAfter(lower);
  const forwardedEnd = intoOriginator.indexAfter(t);
  if (paidStart === paidEnd || forwardedStart === forwardedEnd) return 0;
  let left = budget;

  const firstPaidBy = new Map<string, number>(); // x -> earliest b→x
  for (let i = paidStart; i < paidEnd; i++) {
    if (--left < 0) return 0;
    const x = fromBeneficiary.other[i];
    if (x === originator) return 2;
    if (x !== beneficiary && !firstPaidBy.has(x)) firstPaidBy.set(x, fromBeneficiary.ts[i]);
  }
  if (firstPaidBy.size === 0) return 0;

  const lastPaid = new Map<string, number>(); // y -> latest y→o
  for (let i = forwardedStart; i < forwardedEnd; i++) {
    if (--left < 0) return 0;
    const y = intoOriginator.other[i];
    if (y !== originator) lastPaid.set(y, intoOriginator.ts[i]);
  }
  if (lastPaid.size === 0) return 0;

  for (const [x, paidAt] of firstPaidBy) {
    const forwardedAt = lastPaid.get(x);
    if (forwardedAt !== undefined && paidAt <= forwardedAt) return 3;
  }

  for (const [x, paidAt] of firstPaidBy) {
    const fromX = graph.outgoing(x);
    if (fromX === undefined) continue;
    for (let i = fromX.indexFrom(Math.max(paidAt, lower)), end = fromX.indexAfter(t); i < end; i++) {
      if (--left < 0) return 0;
      const y = fromX.other[i];
      const forwardedAt = lastPaid.get(y);
      if (y !== x && forwardedAt !== undefined && fromX.ts[i] <= forwardedAt) return 4;
    }
  }
  return 0;
}
