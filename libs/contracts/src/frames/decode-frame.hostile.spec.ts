import { decodeFrame, FRAME_HEADERS, FrameMessage, FrameRejection, MAX_FRAME_BYTES } from './decode-frame';
import { FrameFormat } from './frame';
import { encodePng, jpegOf, messageOf, pattern, smooth } from './testing/frame-fixtures';

/** mulberry32: a seeded generator, so every failure names a case that reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const W = 24;
const H = 16;
const random = rng(20261122);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];

const VALUES: Record<FrameFormat, Buffer> = {
  GRAY8: Buffer.from(pattern(W, H, 1)),
  RGB8: Buffer.from(pattern(W, H, 3)),
  PNG: encodePng(pattern(W, H, 3), W, H, { filters: [0, 1, 2, 3, 4] }),
  JPEG: jpegOf(smooth(W, H, 3), W, H),
};
const FORMATS = Object.keys(VALUES) as FrameFormat[];
const valid = (format: FrameFormat, overrides: Record<string, string | undefined> = {}) => messageOf(format, W, H, VALUES[format], overrides);

const BAD_UNSIGNED = ['', ' ', '-1', '+1', '1.5', '1e3', ' 12', '12 ', '0x10', 'NaN', 'Infinity', '12345678901234567', '9007199254740993', '١٢', '1_000'];
const BAD_IDS = ['', ' ', 'CAM 01', 'CAM\n01', 'ÇAM-01', 'x'.repeat(65), '\u0000', 'CAM\t1'];
const BAD_FORMATS = ['', 'gray8', 'Jpeg', 'BMP', 'RGB', 'RGBA8', 'PNG ', 'JPG'];

/** 'decoded' where random corruption may leave a valid image. */
type Outcome = FrameRejection | 'decoded';
type Case = [name: string, message: FrameMessage, outcomes: readonly Outcome[]];

function withValue(message: FrameMessage, value: Buffer): FrameMessage {
  return { ...message, value };
}

/** Hundreds of broken messages, each with the one code it must get (for random corruption of a JPEG, the outcomes it may get). */
function hostileCases(): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < 40; i++) {
    const format = pick(FORMATS);
    const absent = FRAME_HEADERS.filter(() => random() < 0.3);
    const gone = absent.length > 0 ? absent : [pick(FRAME_HEADERS)];
    cases.push([`${format} without ${gone.join(', ')}`, valid(format, Object.fromEntries(gone.map((name) => [name, undefined]))), [FrameRejection.MissingHeader]]);
  }
  for (const header of ['seq', 'ts', 'width', 'height'] as const) {
    for (const bad of BAD_UNSIGNED) cases.push([`${header} = ${JSON.stringify(bad)}`, valid(pick(FORMATS), { [header]: bad }), [FrameRejection.BadHeader]]);
  }
  cases.push(['ts = 0', valid('GRAY8', { ts: '0' }), [FrameRejection.BadHeader]]);
  for (const header of ['camera-id', 'line-id'] as const) {
    for (const bad of BAD_IDS) cases.push([`${header} = ${JSON.stringify(bad)}`, valid(pick(FORMATS), { [header]: bad }), [FrameRejection.BadHeader]]);
  }
  for (const bad of BAD_FORMATS) cases.push([`format = ${JSON.stringify(bad)}`, valid('GRAY8', { format: bad }), [FrameRejection.BadHeader]]);
  for (let i = 0; i < 20; i++) {
    const key = `CAM-${int(1000)}`;
    if (key !== 'CAM-01') cases.push([`key ${key}`, { ...valid(pick(FORMATS)), key: Buffer.from(key) }, [FrameRejection.KeyMismatch]]);
  }
  for (let i = 0; i < 30; i++) {
    const [width, height] = pick([
      [int(16), 16 + int(100)],
      [16 + int(100), int(16)],
      [4097 + int(10000), 64],
      [64, 4097 + int(10000)],
      [2049 + int(2047), 4095 + int(2)], // within each side, over 4096 × 2048 pixels
    ]);
    const format = pick(FORMATS);
    cases.push([`${format} of ${width}x${height}`, messageOf(format, width, height, VALUES[format]), [FrameRejection.SizeOutOfRange]]);
  }
  for (let i = 0; i < 30; i++) {
    const format = pick(['GRAY8', 'RGB8'] as const);
    const delta = pick([-1, 1, -W, W * H, 1 + int(500), -1 - int(W * H - 1)]);
    const length = VALUES[format].length + delta;
    cases.push([`${format} of ${length} bytes`, withValue(valid(format), Buffer.alloc(length, 7)), [length === 0 ? FrameRejection.NoValue : FrameRejection.WrongByteCount]]);
  }
  for (let i = 0; i < 10; i++) {
    const format = pick(FORMATS);
    cases.push([`${format} of ${MAX_FRAME_BYTES + 1 + i} bytes`, withValue(valid(format), Buffer.alloc(MAX_FRAME_BYTES + 1 + i)), [FrameRejection.TooLarge]]);
  }
  // PNG: every chunk carries a CRC, so no corrupted byte may slip through.
  for (let i = 0; i < 150; i++) {
    const png = Buffer.from(VALUES.PNG);
    const at = int(png.length);
    png[at] ^= 1 + int(255);
    cases.push([`PNG with byte ${at} corrupted`, withValue(valid('PNG'), png), [FrameRejection.Undecodable]]);
  }
  for (let i = 0; i < 60; i++) {
    const cut = 1 + int(VALUES.PNG.length - 1);
    cases.push([`PNG cut at ${cut}`, withValue(valid('PNG'), VALUES.PNG.subarray(0, cut)), [FrameRejection.Undecodable]]);
  }
  for (let i = 0; i < 60; i++) {
    const cut = 1 + int(VALUES.JPEG.length - 1);
    cases.push([`JPEG cut at ${cut}`, withValue(valid('JPEG'), VALUES.JPEG.subarray(0, cut)), [FrameRejection.Undecodable]]);
  }
  // JPEG has no checksum: a flipped coefficient bit can still decode. It must never throw nor be mis-sized.
  for (let i = 0; i < 150; i++) {
    const jpeg = Buffer.from(VALUES.JPEG);
    for (let flips = 1 + int(3); flips > 0; flips--) jpeg[int(jpeg.length)] ^= 1 + int(255);
    cases.push([`JPEG with bytes corrupted (${i})`, withValue(valid('JPEG'), jpeg), ['decoded', FrameRejection.Undecodable, FrameRejection.UnsupportedImage, FrameRejection.DimensionMismatch]]);
  }
  for (let i = 0; i < 30; i++) {
    const garbage = Buffer.from(Array.from({ length: 1 + int(3000) }, () => int(256)));
    garbage[0] = 0; // neither an SOI marker nor a PNG signature
    const format = pick(['JPEG', 'PNG'] as const);
    cases.push([`${format} of ${garbage.length} random bytes`, withValue(valid(format), garbage), [FrameRejection.Undecodable]]);
  }
  return cases;
}

describe(`${decodeFrame.name} on hostile input`, () => {
  const cases = hostileCases();

  it('has hundreds of cases', () => {
    expect(cases.length).toBeGreaterThan(600);
  });

  it.each(cases)('answers %s with the right code, never a throw', (_name, message, outcomes) => {
    const result = decodeFrame(message);

    expect(outcomes).toContain(result.ok ? 'decoded' : result.code);
    expect(result.ok || result.message.length > 0).toBe(true);
  });

  it('decodes a JPEG that corruption left decodable to the size its headers say', () => {
    const survivors = cases
      .filter(([name]) => name.startsWith('JPEG with bytes corrupted'))
      .map(([, message]) => decodeFrame(message))
      .filter((result) => result.ok);

    for (const result of survivors) expect(result.ok && [result.frame.width, result.frame.height, result.frame.pixels.length]).toEqual([W, H, W * H * 3]);
  });
});
