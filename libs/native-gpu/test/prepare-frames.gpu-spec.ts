/**
 * prepareFrames on CUDA against the CPU twin, on a machine with a CUDA device (`npm run test:gpu`).
 * Both run prepare_device.h's integer and round-to-nearest double math, so they must agree bit for bit.
 */
import { prepareFrames } from '@vigil/native-gpu';

const SIZES: Array<[number, number, number, number]> = [
  [128, 128, 64, 64],
  [160, 120, 64, 64],
  [640, 480, 64, 64],
  [97, 61, 13, 7],
];

describe('prepareFrames on cuda', () => {
  it.each(SIZES)('matches the CPU twin bit for bit: %p×%p → %p×%p', async (width, height, outWidth, outHeight) => {
    const count = 24;
    const frames = Uint8Array.from({ length: count * width * height }, (_, i) => (i * 2654435761) >>> 24);
    // Whole, sub-pixel and far-out offsets.
    const offsets = Float64Array.from({ length: 2 * count }, (_, i) => (i % 3 === 0 ? (i % 7) - 3 : i % 5 === 0 ? 900 : ((i * 37) % 101) / 10 - 5));
    const input = { width, height, frames, offsets, outWidth, outHeight };

    const cpu = await prepareFrames(input, { backend: 'cpu' });
    const gpu = await prepareFrames(input, { backend: 'cuda' });

    expect(gpu.backend).toBe('cuda');
    let mismatches = 0;
    for (let i = 0; i < cpu.data.length; i++) if (!Object.is(cpu.data[i], gpu.data[i])) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('reports kernel time and the modelled bytes with timing (frames and offsets in, output out)', async () => {
    const [width, height, count] = [160, 120, 8];
    const input = { width, height, frames: new Uint8Array(count * width * height), offsets: new Float64Array(2 * count), outWidth: 64, outHeight: 64 };

    const result = await prepareFrames(input, { backend: 'cuda', timing: true });

    expect(result.deviceMs).toBeGreaterThan(0);
    expect(result.deviceBytes).toBe(count * (width * height + 16) + count * 64 * 64 * 4);
    expect(await prepareFrames(input, { backend: 'cuda' })).not.toHaveProperty('deviceMs');
  });
});
