import { PNG_SIGNATURE } from './png-chunks';
import { decodePng } from './png-decoder';
import { encodePng } from './png-encoder';

describe(encodePng.name, () => {
  const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + (i >> 3)) & 0xff);

  it.each([
    [1, 'GRAY8'],
    [3, 'RGB8'],
  ] as const)('round-trips %i-channel pixels through the contract decoder', (channels, pixelFormat) => {
    const pixels = pattern(13 * 7 * channels);

    const png = encodePng(pixels, 13, 7, channels);
    const decoded = decodePng(png, { width: 13, height: 7 });

    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(decoded).toMatchObject({ width: 13, height: 7, pixelFormat });
    expect(Buffer.from(decoded.pixels)).toEqual(Buffer.from(pixels));
  });

  it('refuses a pixel count that does not fit the size', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 2, 1)).toThrow('encodePng: 5 bytes for 2x2x1');
  });
});
