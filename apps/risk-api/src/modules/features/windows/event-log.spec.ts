import { seededRandom } from '../testing/synthetic-history';
import { AmountProfile } from './amount-profile';
import { CounterpartyTotals } from './counterparty-totals';
import { EventLog, EventMark, NO_EVENT, SlidingView } from './event-log';

const COUNTED = [EventMark.Tiny, EventMark.JustBelow, EventMark.Transfer, EventMark.CashOut] as const;

interface Event {
  ts: number;
  amount: number;
  other: string;
  marks: number;
}

/**
 * Drives a log the way the engine does — a watermark that moves forward, inserts up to `lateness`
 * behind it, pruning to `watermark − keep` — and checks every answer against a scan of all events.
 */
function drive(seed: number, check: (log: EventLog, events: readonly Event[], floor: number, watermark: number) => void): void {
  const random = seededRandom(seed);
  const keep = 1_000;
  const lateness = 200;
  const log = new EventLog(COUNTED);
  const events: Event[] = [];
  let watermark = 0;
  for (let step = 0; step < 2_500; step++) {
    watermark += Math.floor(random() * 8);
    const floor = watermark - keep;
    const ts = random() < 0.2 ? watermark - Math.floor(random() * lateness) : watermark;
    const event = { ts, amount: 1 + Math.floor(random() * 100_000_000), other: `B-${Math.floor(random() * 12)}`, marks: Math.floor(random() * 128) };
    const before = events.filter((e) => e.ts <= ts).reduce((latest, e) => Math.max(latest, e.ts), NO_EVENT);
    log.prune(floor);
    log.insert(event.ts, event.amount, event.other, event.marks, before);
    events.push(event);
    if (step % 17 === 0) check(log, events, floor, watermark);
  }
}

const between = (events: readonly Event[], lower: number, t: number): Event[] => events.filter((e) => e.ts > lower && e.ts <= t);

describe(EventLog.name, () => {
  it('answers counts, sums, marks and latest like a scan, through late inserts, pruning and compaction', () => {
    drive(1, (log, events, floor, watermark) => {
      for (const [back, width] of [[0, 10], [0, 500], [150, 300], [199, 801]]) {
        const t = watermark - back;
        const lower = Math.max(t - width, floor);
        const expected = between(events, lower, t);

        expect(log.count(lower, t)).toBe(expected.length);
        expect(log.sum(lower, t)).toBe(expected.reduce((sum, e) => sum + e.amount, 0));
        for (const mark of COUNTED) expect(log.countMarked(mark, lower, t)).toBe(expected.filter((e) => e.marks & mark).length);
        expect(log.latest(lower, t)).toBe(expected.reduce((latest, e) => Math.max(latest, e.ts), NO_EVENT));
      }
    });
  });

  it('refuses to count a mark it was not created to count', () => {
    const sut = new EventLog([EventMark.Tiny]);

    expect(() => sut.countMarked(EventMark.Merchant, 0, 1)).toThrow(RangeError);
  });

  it('remembers each event\'s predecessor across pruning', () => {
    drive(2, (log, events, floor, watermark) => {
      for (const t of [watermark, watermark - 1, watermark - 37, watermark - 199]) {
        const expected = events.filter((e) => e.ts <= t).reduce((latest, e) => Math.max(latest, e.ts), NO_EVENT);

        expect(log.previousTs(t, Math.max(...events.map((e) => e.ts)))).toBe(expected);
      }
      expect(log.size).toBeLessThanOrEqual(events.filter((e) => e.ts > floor - 8).length);
    });
  });
});

describe(SlidingView.name, () => {
  it('keeps per-counterparty totals equal to a scan, in order and for late queries', () => {
    const views = new WeakMap<EventLog, SlidingView<CounterpartyTotals>>();
    drive(3, (log, events, floor, watermark) => {
      // Attached once the log holds events (as after a restart), the view starts empty and catches up.
      const view = views.get(log) ?? new SlidingView(log, () => new CounterpartyTotals());
      views.set(log, view);
      for (const t of [watermark, watermark - 120]) {
        const lower = Math.max(t - 400, floor);
        const expected = between(events, lower, t);

        const totals = view.query(lower, t);

        expect(totals.size).toBe(new Set(expected.map((e) => e.other)).size);
        for (const other of ['B-0', 'B-5', 'B-11', 'nobody']) {
          const mine = expected.filter((e) => e.other === other);
          expect([totals.count(other), totals.sum(other)]).toEqual([mine.length, mine.reduce((sum, e) => sum + e.amount, 0)]);
        }
      }
    });
  });

  it('keeps a lagging view over (lower, t − lag] equal to a scan, in order and for late queries', () => {
    const views = new WeakMap<EventLog, SlidingView<CounterpartyTotals>>();
    drive(5, (log, events, floor, watermark) => {
      const view = views.get(log) ?? new SlidingView(log, () => new CounterpartyTotals(), 150);
      views.set(log, view);
      for (const t of [watermark, watermark - 120, watermark]) {
        const lower = Math.max(t - 600, floor);
        const expected = between(events, lower, t - 150);

        const totals = view.query(lower, t);

        expect(totals.size).toBe(new Set(expected.map((e) => e.other)).size);
        expect(totals.count('B-3')).toBe(expected.filter((e) => e.other === 'B-3').length);
      }
    });
  });

  it('counts only the events carrying the given marks when totals are filtered', () => {
    const views = new WeakMap<EventLog, SlidingView<CounterpartyTotals>>();
    const marks = EventMark.Transfer | EventMark.CashOut;
    drive(6, (log, events, floor, watermark) => {
      const view = views.get(log) ?? new SlidingView(log, () => new CounterpartyTotals(marks));
      views.set(log, view);
      const lower = Math.max(watermark - 300, floor);
      const expected = between(events, lower, watermark).filter((e) => e.marks & marks);

      const totals = view.query(lower, watermark);

      expect(totals.size).toBe(new Set(expected.map((e) => e.other)).size);
      expect(totals.sum('B-7')).toBe(expected.filter((e) => e.other === 'B-7').reduce((sum, e) => sum + e.amount, 0));
    });
  });

  it('keeps the amount profile equal to a scan', () => {
    const views = new WeakMap<EventLog, SlidingView<AmountProfile>>();
    drive(4, (log, events, floor, watermark) => {
      const view = views.get(log) ?? new SlidingView(log, () => new AmountProfile());
      views.set(log, view);
      const t = watermark;
      const lower = Math.max(t - 900, floor);
      const amounts = between(events, lower, t).map((e) => e.amount);

      const profile = view.query(lower, t);

      const probe = amounts[0] ?? 1;
      expect([profile.count, profile.sum, profile.max]).toEqual([amounts.length, amounts.reduce((s, a) => s + a, 0), amounts.length ? Math.max(...amounts) : 0]);
      expect(profile.rank(probe)).toEqual({ below: amounts.filter((a) => a < probe).length, equal: amounts.filter((a) => a === probe).length });
      if (amounts.length >= 2) {
        const n = BigInt(amounts.length);
        const sum = amounts.reduce((s, a) => s + BigInt(a), 0n);
        const squares = amounts.reduce((s, a) => s + BigInt(a) * BigInt(a), 0n);
        expect(profile.zScore(probe)).toBe(Number(n * BigInt(probe) - sum) / Math.sqrt(Number(n * squares - sum * sum)));
      }
    });
  });
});
