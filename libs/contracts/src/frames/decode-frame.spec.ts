import { decodeFrame, DEFAULT_FRAME_LIMITS, FrameRejection, MAX_FRAME_BYTES } from './decode-frame';
import { Frame, toGray } from './frame';
import { encodePng, grayJpegOf, jpegOf, messageOf, pattern, pngChunk, smooth } from './testing/frame-fixtures';

const W = 32;
const H = 24;

function accepted(result: ReturnType<typeof decodeFrame>): Frame {
  if (!result.ok) throw new Error(`expected a frame, got ${result.code}: ${result.message}`);
  return result.frame;
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe(decodeFrame.name, () => {
  it('turns a GRAY8 message into a frame with its headers typed', () => {
    const pixels = pattern(W, H, 1);

    const frame = accepted(decodeFrame(messageOf('GRAY8', W, H, Buffer.from(pixels))));

    expect(frame).toEqual({ cameraId: 'CAM-01', lineId: 'LINE-1', seq: 41, ts: 1795334400000123, format: 'GRAY8', width: W, height: H, pixelFormat: 'GRAY8', pixels });
  });

  it('copies raw pixels out of the message buffer', () => {
    const value = Buffer.from(pattern(W, H, 3));

    const frame = accepted(decodeFrame(messageOf('RGB8', W, H, value)));
    value.fill(0);

    expect(frame.pixelFormat).toBe('RGB8');
    expect(frame.pixels).toEqual(pattern(W, H, 3));
  });

  it.each([
    ['gray', 0, 1, 'GRAY8'],
    ['RGB', 2, 3, 'RGB8'],
  ] as const)('decodes a %s PNG with every row filter', (_name, colourType, channels, pixelFormat) => {
    const pixels = pattern(W, H, channels);
    const png = encodePng(pixels, W, H, { colourType, filters: [0, 1, 2, 3, 4], idatChunk: 100, extra: [pngChunk('tEXt', Buffer.from('Software\0cam'))] });

    const frame = accepted(decodeFrame(messageOf('PNG', W, H, png)));

    expect(frame).toMatchObject({ format: 'PNG', pixelFormat, width: W, height: H });
    expect(frame.pixels).toEqual(pixels);
  });

  it('drops the alpha of gray+alpha and RGBA PNGs and expands palette PNGs to RGB', () => {
    const rgba = pattern(W, H, 4);
    const grayAlpha = pattern(W, H, 2);
    const palette = Uint8Array.from({ length: 16 * 3 }, (_, i) => (i * 17) & 0xff);
    const indices = pattern(W, H, 1).map((v) => v % 16);

    const fromRgba = accepted(decodeFrame(messageOf('PNG', W, H, encodePng(rgba, W, H, { colourType: 6, filters: [4, 1] }))));
    const fromGrayAlpha = accepted(decodeFrame(messageOf('PNG', W, H, encodePng(grayAlpha, W, H, { colourType: 4, filters: [2, 3] }))));
    const fromPalette = accepted(decodeFrame(messageOf('PNG', W, H, encodePng(indices, W, H, { colourType: 3, palette }))));

    expect(fromRgba.pixels).toEqual(rgba.filter((_, i) => i % 4 !== 3));
    expect(fromGrayAlpha.pixels).toEqual(grayAlpha.filter((_, i) => i % 2 === 0));
    expect(fromPalette.pixels).toEqual(Uint8Array.from([...indices].flatMap((index) => [...palette.subarray(3 * index, 3 * index + 3)])));
  });

  it('decodes a colour JPEG to RGB8 close to what was encoded', () => {
    const rgb = smooth(64, 48, 3);

    const frame = accepted(decodeFrame(messageOf('JPEG', 64, 48, jpegOf(rgb, 64, 48, 95))));

    expect(frame).toMatchObject({ format: 'JPEG', pixelFormat: 'RGB8', width: 64, height: 48 });
    expect(meanAbsDiff(frame.pixels, rgb)).toBeLessThan(3);
  });

  it('decodes a one-component JPEG to GRAY8', () => {
    const blocks = Uint8Array.from([0, 255, 128, 17, 200, 90]);

    const frame = accepted(decodeFrame(messageOf('JPEG', 24, 16, grayJpegOf(blocks, 3, 2))));

    expect(frame.pixelFormat).toBe('GRAY8');
    const expected = Uint8Array.from({ length: 24 * 16 }, (_, i) => blocks[Math.floor(i / 24 / 8) * 3 + Math.floor((i % 24) / 8)]);
    expect(Math.max(...frame.pixels.map((v, i) => Math.abs(v - expected[i])))).toBeLessThanOrEqual(1);
  });

  it('accepts a frame of exactly the limit and extra headers', () => {
    const width = 1024;
    const height = 1024;

    const result = decodeFrame(messageOf('GRAY8', width, height, Buffer.alloc(MAX_FRAME_BYTES), { 'correlation-id': 'x' }));

    expect(result.ok).toBe(true);
  });

  const png = encodePng(pattern(W, H, 3), W, H);
  const jpeg = jpegOf(smooth(W, H, 3), W, H);
  it.each<[string, ReturnType<typeof messageOf>, FrameRejection, RegExp]>([
    ['a value over 1 MiB', messageOf('JPEG', W, H, Buffer.alloc(MAX_FRAME_BYTES + 1)), FrameRejection.TooLarge, /1048577 bytes/],
    ['no seq and no ts', messageOf('GRAY8', W, H, Buffer.alloc(W * H), { seq: undefined, ts: undefined }), FrameRejection.MissingHeader, /missing headers seq, ts/],
    ['a negative seq', messageOf('GRAY8', W, H, Buffer.alloc(W * H), { seq: '-1' }), FrameRejection.BadHeader, /^seq must be an unsigned integer.*"-1"/],
    ['a ts in milliseconds with a fraction', messageOf('GRAY8', W, H, Buffer.alloc(W * H), { ts: '1795334400000.5' }), FrameRejection.BadHeader, /^ts /],
    ['a seq past 2^53', messageOf('GRAY8', W, H, Buffer.alloc(W * H), { seq: '9007199254740993' }), FrameRejection.BadHeader, /^seq /],
    ['a lower-case format', messageOf('GRAY8', W, H, Buffer.alloc(W * H), { format: 'gray8' }), FrameRejection.BadHeader, /^format must be one of GRAY8, RGB8, JPEG, PNG/],
    ['a camera id with a space', messageOf('GRAY8', W, H, Buffer.alloc(W * H), { 'camera-id': 'CAM 01' }), FrameRejection.BadHeader, /^camera-id /],
    ['an empty line id', messageOf('GRAY8', W, H, Buffer.alloc(W * H), { 'line-id': '' }), FrameRejection.BadHeader, /^line-id /],
    ['a key of another camera', { ...messageOf('GRAY8', W, H, Buffer.alloc(W * H)), key: Buffer.from('CAM-02') }, FrameRejection.KeyMismatch, /camera-id CAM-01, got "CAM-02"/],
    ['no key', { ...messageOf('GRAY8', W, H, Buffer.alloc(W * H)), key: null }, FrameRejection.KeyMismatch, /no key/],
    ['a width of 8', messageOf('GRAY8', 8, H, Buffer.alloc(8 * H)), FrameRejection.SizeOutOfRange, /8x24 is outside/],
    ['a height of 5000', messageOf('JPEG', W, 5000, jpeg), FrameRejection.SizeOutOfRange, /32x5000/],
    ['4096 x 4096 pixels', messageOf('JPEG', 4096, 4096, jpeg), FrameRejection.SizeOutOfRange, /at most 8388608 pixels/],
    ['no value', messageOf('PNG', W, H, null), FrameRejection.NoValue, /no value/],
    ['an empty value', messageOf('GRAY8', W, H, Buffer.alloc(0)), FrameRejection.NoValue, /no value/],
    ['GRAY8 one byte short', messageOf('GRAY8', W, H, Buffer.alloc(W * H - 1)), FrameRejection.WrongByteCount, /needs 768 bytes, the value has 767/],
    ['RGB8 sent with GRAY8 bytes', messageOf('RGB8', W, H, Buffer.alloc(W * H)), FrameRejection.WrongByteCount, /RGB8 32x24 needs 2304/],
    ['a PNG labelled JPEG', messageOf('JPEG', W, H, png), FrameRejection.Undecodable, /JPEG: no SOI/],
    ['a JPEG labelled PNG', messageOf('PNG', W, H, jpeg), FrameRejection.Undecodable, /PNG: no PNG signature/],
    ['a truncated PNG', messageOf('PNG', W, H, png.subarray(0, png.length - 20)), FrameRejection.Undecodable, /PNG: /],
    ['a truncated JPEG', messageOf('JPEG', W, H, jpeg.subarray(0, jpeg.length - 40)), FrameRejection.Undecodable, /JPEG: /],
    ['a PNG of another size', messageOf('PNG', W, H + 1, png), FrameRejection.DimensionMismatch, /PNG image is 32x24 but the headers say 32x25/],
    ['a JPEG of another size', messageOf('JPEG', W + 8, H, jpeg), FrameRejection.DimensionMismatch, /JPEG image is 32x24 but the headers say 40x24/],
    ['a 16-bit PNG', messageOf('PNG', W, H, encodePng(pattern(W, H, 3), W, H, { bitDepth: 16 })), FrameRejection.UnsupportedImage, /bit depth 16/],
    ['an interlaced PNG', messageOf('PNG', W, H, encodePng(pattern(W, H, 3), W, H, { interlace: 1 })), FrameRejection.UnsupportedImage, /interlaced/],
    ['a PNG with an unknown critical chunk', messageOf('PNG', W, H, encodePng(pattern(W, H, 3), W, H, { extra: [pngChunk('ABCD', Buffer.alloc(1))] })), FrameRejection.UnsupportedImage, /critical chunk ABCD/],
    ['a palette PNG without PLTE', messageOf('PNG', W, H, encodePng(pattern(W, H, 1), W, H, { colourType: 3 })), FrameRejection.Undecodable, /without PLTE/],
    ['a palette index past the palette', messageOf('PNG', W, H, encodePng(pattern(W, H, 1), W, H, { colourType: 3, palette: new Uint8Array(6) })), FrameRejection.Undecodable, /palette index/],
    ['a PNG row with filter 7', messageOf('PNG', W, H, encodePng(pattern(W, H, 3), W, H, { filters: [0, 7] })), FrameRejection.Undecodable, /row 1 has filter type 7/],
  ])('rejects %s', (_name, message, code, reason) => {
    const result = decodeFrame(message);

    expect(result).toEqual({ ok: false, code, message: expect.stringMatching(reason) });
  });

  it('takes tighter limits from the caller', () => {
    const result = decodeFrame(messageOf('GRAY8', W, H, Buffer.alloc(W * H)), { ...DEFAULT_FRAME_LIMITS, maxBytes: 100 });

    expect(result).toMatchObject({ ok: false, code: FrameRejection.TooLarge });
  });
});

describe(toGray.name, () => {
  it('returns gray pixels as they are', () => {
    const pixels = pattern(4, 4, 1);

    expect(toGray({ width: 4, height: 4, pixelFormat: 'GRAY8', pixels })).toBe(pixels);
  });

  it('weighs RGB by BT.601 luma, rounded, and keeps black and white exact', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 10, 200, 30]);

    const gray = toGray({ width: 6, height: 1, pixelFormat: 'RGB8', pixels: rgb });

    expect([...gray]).toEqual([76, 150, 29, 0, 255, Math.round(0.299 * 10 + 0.587 * 200 + 0.114 * 30)]);
  });

  it('names the image when its buffer does not match its size', () => {
    expect(() => toGray({ width: 4, height: 4, pixelFormat: 'RGB8', pixels: new Uint8Array(10) })).toThrow(/image: 10 bytes for 4x4 RGB8/);
  });
});
