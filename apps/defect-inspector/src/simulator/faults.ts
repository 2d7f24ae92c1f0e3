import { Rng } from '@vigil/platform';

/** Transport faults, each a probability per frame. */
export interface FaultRates {
  /** The frame never arrives. */
  drop: number;
  /** The frame arrives twice (same seq, same bytes). */
  duplicate: number;
  /** The frame swaps places with the next frame of the same camera. */
  reorder: number;
}

export const NO_FAULTS: FaultRates = { drop: 0, duplicate: 0, reorder: 0 };

/**
 * Applies drop / duplicate / reorder to a frame stream. Three draws per input frame whatever
 * happens, so a rate change does not reshuffle the other faults. A reordered frame is held back
 * and sent right after the camera's next surviving frame (neighbours swap); a frame that follows
 * a held one is never held itself. Held frames left at the end are sent last.
 */
export function* applyFaults<T>(frames: Iterable<T>, rng: Rng, rates: FaultRates, keyOf: (frame: T) => string): Generator<T> {
  const held = new Map<string, T[]>();
  for (const frame of frames) {
    const drop = rng.chance(rates.drop);
    const duplicate = rng.chance(rates.duplicate);
    const reorder = rng.chance(rates.reorder);
    if (drop) continue;
    const copies = duplicate ? [frame, frame] : [frame];
    const key = keyOf(frame);
    const waiting = held.get(key);
    if (waiting) {
      held.delete(key);
      yield* copies;
      yield* waiting;
    } else if (reorder) {
      held.set(key, copies);
    } else {
      yield* copies;
    }
  }
  for (const waiting of held.values()) yield* waiting;
}
