import { T0, tx } from '../testing/transaction-builder';
import { DAY, HOUR, MINUTE, SECOND } from '../windows/durations';
import { SEQUENCE_CHANNELS, VALID_CHANNEL } from './sequence-channels';
import { resolveSequenceConfig, SequenceEncoder } from './sequence-encoder';

const D = SEQUENCE_CHANNELS.length;
const TIME_SCALE = Math.log1p((30 * DAY) / SECOND);

/** Row k of a [K, D] sequence as { channel: value }. */
function step(sequence: Float32Array, k: number): Record<string, number> {
  return Object.fromEntries(SEQUENCE_CHANNELS.map((name, c) => [name, sequence[k * D + c]]));
}

/** The valid rows' log amounts, oldest first: which transactions a sequence holds. */
const amounts = (sequence: Float32Array, steps: number): number[] =>
  Array.from({ length: steps }, (_, k) => step(sequence, k))
    .filter((row) => row.valid === 1)
    .map((row) => Math.round(Math.expm1(row.log_amount * 10) * 100) / 100);

describe(SequenceEncoder.name, () => {
  it('encodes a first transaction as one step at the end, front padded with zeros', () => {
    // Prepare
    const sut = new SequenceEncoder({ steps: 4 });

    // Act
    const sequence = sut.process(tx({ ts: T0, amount: 100 }));

    // Assert: 12:00 UTC is half a day round the circle; 100.00 is a round amount
    expect(sequence).toHaveLength(4 * D);
    expect(Array.from(sequence.subarray(0, 3 * D))).toEqual(new Array(3 * D).fill(0));
    const last = step(sequence, 3);
    expect(last).toMatchObject({ valid: 1, outgoing: 1, log_gap: 1, log_age: 0, type_TRANSFER: 1, channel_ONLINE: 1, round_amount: 1 });
    expect(last.log_amount).toBeCloseTo(Math.log1p(100) / 10, 6);
    expect(last.hour_sin).toBeCloseTo(0, 6);
    expect(last.hour_cos).toBeCloseTo(-1, 6);
    expect(last).toMatchObject({ cross_border: 0, high_risk_country: 0, counterparty_repeat: 0, own_device: 0, device_change: 0, just_below_threshold: 0, tiny_amount: 0 });
    expect(VALID_CHANNEL).toBe(SEQUENCE_CHANNELS.indexOf('valid'));
  });

  it('shows money received and sent by the originator, counterparty repeats and device changes, hand-checked', () => {
    // Prepare: A-1 receives from X-9 (NG, high risk), pays B-1 from D-1, then pays B-1 just below the threshold from D-2
    const sut = new SequenceEncoder({ steps: 4 });
    sut.process(tx({ ts: T0 - 2 * HOUR, from: 'X-9', to: 'A-1', amount: 9800, fromCountry: 'NG' }));
    sut.process(tx({ ts: T0 - HOUR, from: 'A-1', to: 'B-1', amount: 12.34, device: 'D-1' }));

    // Act
    const sequence = sut.process(tx({ ts: T0, from: 'A-1', to: 'B-1', amount: 9500, device: 'D-2' }));

    // Assert
    const [padding, received, first, scored] = [0, 1, 2, 3].map((k) => step(sequence, k));
    expect(padding.valid).toBe(0);
    expect(received).toMatchObject({ valid: 1, outgoing: 0, log_gap: 1, cross_border: 1, high_risk_country: 1, own_device: 0, round_amount: 1 });
    expect(received.log_age).toBeCloseTo(Math.log1p(7200) / TIME_SCALE, 6);
    expect(first).toMatchObject({ outgoing: 1, counterparty_repeat: 0, own_device: 1, device_change: 0, channel_MOBILE: 1, round_amount: 0, cross_border: 0 });
    expect(first.log_gap).toBeCloseTo(Math.log1p(3600) / TIME_SCALE, 6);
    expect(first.log_age).toBeCloseTo(Math.log1p(3600) / TIME_SCALE, 6);
    expect(scored).toMatchObject({ outgoing: 1, counterparty_repeat: 1, own_device: 1, device_change: 1, just_below_threshold: 1, log_age: 0 });
    expect(scored.log_gap).toBeCloseTo(Math.log1p(3600) / TIME_SCALE, 6);
  });

  it('keeps the K most recent steps; the oldest step gets its gap from the one before it', () => {
    // Prepare: six payments a minute apart, the 2nd ten minutes after the 1st
    const sut = new SequenceEncoder({ steps: 4 });
    const times = [0, 10, 11, 12, 13, 14].map((m) => T0 + m * MINUTE);
    const sequences = times.map((ts, i) => sut.process(tx({ ts, amount: i + 1 })));

    // Act
    const sixth = sequences[5];
    const third = sequences[2];

    // Assert
    expect(amounts(sixth, 4)).toEqual([3, 4, 5, 6]);
    expect(step(sixth, 0).log_gap).toBeCloseTo(Math.log1p(60) / TIME_SCALE, 6);
    expect(amounts(third, 4)).toEqual([1, 2, 3]);
    expect(step(third, 1).log_gap).toBe(1);
    expect(step(third, 2).log_gap).toBeCloseTo(Math.log1p(600) / TIME_SCALE, 6);
  });

  it('places a late transaction in event time: it sees only earlier steps, and later ones see it in order', () => {
    // Prepare
    const sut = new SequenceEncoder({ steps: 4 });
    sut.process(tx({ ts: T0, amount: 1 }));
    sut.process(tx({ ts: T0 + 2 * HOUR, amount: 3 }));

    // Act
    const late = sut.process(tx({ ts: T0 + HOUR, amount: 2 }));
    const next = sut.process(tx({ ts: T0 + 3 * HOUR, amount: 4 }));

    // Assert
    expect(amounts(late, 4)).toEqual([1, 2]);
    expect(amounts(next, 4)).toEqual([1, 2, 3, 4]);
  });

  it('observe builds the same history as process without encoding', () => {
    // Prepare
    const history = [tx({ ts: T0, amount: 1 }), tx({ ts: T0 + MINUTE, from: 'C-1', to: 'A-1', amount: 2 })];
    const processed = new SequenceEncoder({ steps: 4 });
    const observed = new SequenceEncoder({ steps: 4 });
    history.forEach((t) => processed.process(t));
    history.forEach((t) => observed.observe(t));
    const scored = tx({ ts: T0 + 2 * MINUTE, amount: 3 });

    // Act / Assert
    expect(observed.process(scored)).toEqual(processed.process(scored));
  });

  it('forgets accounts idle past retention, and sweeping never changes a sequence', () => {
    // Prepare: A-1 pays at T0, then everyone is quiet for 20 days while C-1 keeps the watermark moving
    const options = { steps: 4, retentionMs: 10 * DAY };
    const swept = new SequenceEncoder(options);
    const unswept = new SequenceEncoder(options);
    const history = [tx({ ts: T0, amount: 1 }), tx({ ts: T0 + 20 * DAY, from: 'C-1', to: 'C-2' })];
    history.forEach((t) => [swept, unswept].forEach((encoder) => encoder.process(t)));

    // Act
    swept.prune();
    const retained = swept.stats();
    const next = tx({ ts: T0 + 20 * DAY + MINUTE, amount: 5 });
    const [afterSweep, withoutSweep] = [swept, unswept].map((encoder) => encoder.process(next));

    // Assert: the accounts of the first payment are gone, and A-1 starts afresh either way
    expect(amounts(afterSweep, 4)).toEqual([5]);
    expect(afterSweep).toEqual(withoutSweep);
    expect(retained).toEqual({ watermark: T0 + 20 * DAY, accounts: 2, events: 2 });
  });

  it('holds at most K events per account once they are older than the allowed lateness', () => {
    // Prepare: one payment a day for 60 days, lateness 1 day
    const sut = new SequenceEncoder({ steps: 4 }, { allowedLatenessMs: DAY });

    // Act
    for (let day = 0; day < 60; day++) sut.process(tx({ ts: T0 + day * DAY }));

    // Assert: A-1 and B-1 each keep K = 4 plus the one within the lateness
    expect(sut.stats().events).toBe(2 * 5);
  });

  it('refuses a bad configuration, naming every bad field, and a target without room', () => {
    expect(() => resolveSequenceConfig({ steps: 0, retentionMs: 1.5 })).toThrow(/steps must be an integer in 1\.\.256, got 0; retentionMs must be/);
    expect(() => new SequenceEncoder({}, { tinyAmountLimitMinor: -1 })).toThrow(/tinyAmountLimitMinor/);
    const sut = new SequenceEncoder({ steps: 2 });
    expect(() => sut.processInto(tx({ ts: T0 }), new Float32Array(2 * D), 1)).toThrow(/offset 1 leaves no room for 52 values/);
  });
});
