import { decodeFrame } from '@vigil/contracts';

import { encodeJpeg, generate, SimulationOptions } from './generate';
import { NO_FAULTS } from './faults';

const options = (overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({
  seed: 3,
  cameras: 2,
  lines: 1,
  fps: 10,
  seconds: 0.5,
  width: 96,
  height: 64,
  format: 'JPEG',
  defectRate: 0.5,
  faults: NO_FAULTS,
  start: '2026-11-22T08:00:00Z',
  ...overrides,
});

const meanAbsDiff = (a: Uint8Array, b: Uint8Array): number => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;

describe('camera simulator JPEG frames', () => {
  it('sends JPEG frames the camera.frames contract accepts, close to the RGB8 render', () => {
    const rgb = generate(options({ format: 'RGB8' })).frames;
    const jpeg = generate(options({ jpegQuality: 90 })).frames;

    expect(jpeg).toHaveLength(rgb.length);
    jpeg.forEach((message, i) => {
      const decoded = decodeFrame({ key: Buffer.from(message.key), headers: message.headers, value: message.value });
      if (!decoded.ok) throw new Error(`${decoded.code}: ${decoded.message}`);
      expect(decoded.frame).toMatchObject({ cameraId: message.key, seq: i >> 1, format: 'JPEG', pixelFormat: 'RGB8', width: 96, height: 64 });
      expect(meanAbsDiff(decoded.frame.pixels, rgb[i].value)).toBeLessThan(4);
    });
  });

  it('trades size for fidelity with the quality', () => {
    const [rgb] = generate(options({ format: 'RGB8' })).frames;
    const decode = (quality: number) => {
      const value = encodeJpeg(rgb.value, 96, 64, quality);
      const decoded = decodeFrame({ key: Buffer.from(rgb.key), headers: { ...rgb.headers, format: 'JPEG' }, value });
      if (!decoded.ok) throw new Error(decoded.message);
      return { bytes: value.length, error: meanAbsDiff(decoded.frame.pixels, rgb.value) };
    };

    const low = decode(20);
    const high = decode(95);

    expect(low.bytes).toBeLessThan(high.bytes / 2);
    expect(low.error).toBeGreaterThan(high.error * 1.5);
  });

  it('names a bad quality and a buffer of the wrong size', () => {
    expect(() => encodeJpeg(new Uint8Array(96 * 64 * 3), 96, 64, 0)).toThrow(/quality must be an integer from 1 to 100, got 0/);
    expect(() => encodeJpeg(new Uint8Array(10), 96, 64, 80)).toThrow(/rgb: 10 bytes for 96x64 RGB8/);
  });
});
