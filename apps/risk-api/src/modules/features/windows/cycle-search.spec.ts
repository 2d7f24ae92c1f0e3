import { DAY, HOUR } from './durations';
import { EventLog } from './event-log';
import { MAX_CYCLE_LENGTH, shortestCycleBack, TransferGraph } from './cycle-search';
import { lowerBound, upperBound } from './sorted';

const T = Date.UTC(2026, 10, 22, 12);
const LOWER = T - 7 * DAY;

/** One account's events in time order, as the search reads an EventLog; counts the edges it looks at. */
class CountingLog {
  readonly ts: number[] = [];
  readonly other: string[];
  private readonly names: string[] = [];

  constructor(events: { ts: number; other: string }[], scanned: { edges: number }) {
    for (const { ts, other } of [...events].sort((a, b) => a.ts - b.ts)) {
      this.ts.push(ts);
      this.names.push(other);
    }
    const names = this.names;
    this.other = new Proxy(names, {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) scanned.edges++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
  }

  indexAfter(x: number): number {
    return upperBound(this.ts, x, 0, this.ts.length);
  }

  indexFrom(x: number): number {
    return lowerBound(this.ts, x, 0, this.ts.length);
  }
}

/** The graph of `edges` ('X>Y' at a time), and how many edges the search has looked at. */
function graphOf(edges: [string, number][]): { graph: TransferGraph; scanned: { edges: number } } {
  const scanned = { edges: 0 };
  const outgoing = new Map<string, { ts: number; other: string }[]>();
  const incoming = new Map<string, { ts: number; other: string }[]>();
  for (const [edge, ts] of edges) {
    const [from, to] = edge.split('>');
    (outgoing.get(from) ?? outgoing.set(from, []).get(from))?.push({ ts, other: to });
    (incoming.get(to) ?? incoming.set(to, []).get(to))?.push({ ts, other: from });
  }
  const log = (events: { ts: number; other: string }[] | undefined) => (events ? (new CountingLog(events, scanned) as unknown as EventLog) : undefined);
  return { graph: { outgoing: (account) => log(outgoing.get(account)), incoming: (account) => log(incoming.get(account)) }, scanned };
}

/** A path B → X1 → … → A of `transfers` edges, one hour apart, ending an hour before T. */
const path = (transfers: number, prefix = 'X'): [string, number][] => {
  const hops = ['B', ...Array.from({ length: transfers - 1 }, (_, i) => `${prefix}${i + 1}`), 'A'];
  return hops.slice(1).map((to, i) => [`${hops[i]}>${to}`, T - (transfers - i) * HOUR]);
};

describe(shortestCycleBack.name, () => {
  it.each([1, 2, 3, 4, 5, 6, 7])('finds the cycle A → B closes through a path back of %d transfers', (transfers) => {
    const { graph } = graphOf(path(transfers));

    expect(shortestCycleBack(graph, 'A', 'B', LOWER, T, 5_000)).toBe(transfers + 1);
  });

  it(`looks no further than ${MAX_CYCLE_LENGTH} hops`, () => {
    const { graph } = graphOf(path(MAX_CYCLE_LENGTH));

    expect(shortestCycleBack(graph, 'A', 'B', LOWER, T, 5_000)).toBe(0);
  });

  it('reports the shortest of several cycles', () => {
    const { graph } = graphOf([...path(6, 'L'), ...path(4, 'S')]);

    expect(shortestCycleBack(graph, 'A', 'B', LOWER, T, 5_000)).toBe(5);
  });

  it('follows money forward in time only (equal times allowed), within (lower, t]', () => {
    const hop = (edges: [string, number][]) => shortestCycleBack(graphOf(edges).graph, 'A', 'B', LOWER, T, 5_000);

    expect(hop([['B>X', T - 3 * HOUR], ['X>Y', T - 4 * HOUR], ['Y>Z', T - HOUR], ['Z>A', T - HOUR]])).toBe(0);
    expect(hop([['B>X', T - 3 * HOUR], ['X>Y', T - 3 * HOUR], ['Y>Z', T - 3 * HOUR], ['Z>A', T]])).toBe(5);
    expect(hop([['B>X', LOWER], ['X>Y', T - 4 * HOUR], ['Y>Z', T - HOUR], ['Z>A', T - HOUR]])).toBe(0);
    expect(hop([['B>X', T - 3 * HOUR], ['X>Y', T - 2 * HOUR], ['Y>Z', T - HOUR], ['Z>A', T + 1]])).toBe(0);
  });

  it('takes a later way round when the quick one cannot carry the money on in time', () => {
    // B → X early, but X paid Y only before that; B → P → Q → Y → A is longer but in time.
    const { graph } = graphOf([
      ['X>Y', T - 9 * HOUR],
      ['B>X', T - 8 * HOUR],
      ['B>P', T - 7 * HOUR],
      ['P>Q', T - 6 * HOUR],
      ['Q>Y', T - 5 * HOUR],
      ['Y>A', T - 4 * HOUR],
    ]);

    expect(shortestCycleBack(graph, 'A', 'B', LOWER, T, 5_000)).toBe(5);
  });

  it('approaches a hub from the other side: B paid 3 000 accounts, a 6-hop cycle is found looking at a few dozen edges', () => {
    // Prepare
    const fanOut: [string, number][] = Array.from({ length: 3_000 }, (_, i) => [`B>F${i}`, T - 10 * HOUR + i]);
    const { graph, scanned } = graphOf([...fanOut, ...path(5)]);

    // Act
    const length = shortestCycleBack(graph, 'A', 'B', LOWER, T, 5_000);

    // Assert
    expect(length).toBe(6);
    expect(scanned.edges).toBeLessThan(50);
  });

  it('gives up past its edge budget, having looked at no more edges than that', () => {
    // Prepare: both ends are hubs (B paid 3 000 accounts, 3 000 paid A), and no way round joins them.
    const hubs: [string, number][] = Array.from({ length: 3_000 }, (_, i): [string, number][] => [
      [`B>F${i}`, T - 10 * HOUR + i],
      [`G${i}>A`, T - 5 * HOUR + i],
    ]).flat();
    const { graph, scanned } = graphOf(hubs);

    // Act
    const length = shortestCycleBack(graph, 'A', 'B', LOWER, T, 5_000);

    // Assert
    expect(length).toBe(0);
    expect(scanned.edges).toBeLessThanOrEqual(5_000);
  });
});
