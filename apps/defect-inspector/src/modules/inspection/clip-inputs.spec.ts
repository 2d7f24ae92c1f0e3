import { simulatorClips } from '../../training/dataset';
import { clipInput } from '../../training/preprocess';
import { clipInputs } from './clip-inputs';
import { ClipAlignment } from './frame-alignment';

const alignment = (offsets: [number, number][]): ClipAlignment => ({ offsets, dx: 0, dy: 0, confidence: 1 });

/** What training feeds the model for the same clip: clipInput's bytes / 255, as float32. */
const trained = (frames: Uint8Array[], offsets: [number, number][], width: number, height: number, outWidth: number, outHeight: number): Float32Array =>
  Float32Array.from(clipInput(frames, offsets, width, height, outWidth, outHeight), (byte) => byte / 255);

// Bit-exact comparisons over whole simulator clips: seconds of CPU, more on a busy 2-core runner.
jest.setTimeout(30_000);

describe('clipInputs', () => {
  it("gives training's model input bit for bit: simulator clips at whole and sub-pixel offsets, whole and fractional shrink ratios", async () => {
    for (const [width, height] of [
      [128, 128],
      [160, 120],
    ]) {
      const spec = { seed: 31, clips: 3, defectRate: 0.5, frames: 8, sourceWidth: width, sourceHeight: height, inputWidth: 64, inputHeight: 64, heatWidth: 8, heatHeight: 8 };
      const clips = [...simulatorClips(spec)];
      // The true offsets (whole pixels) and estimates between pixels, as serving has them.
      const offsets = clips.flatMap((clip) => [clip.offsets, clip.offsets.map(([dx, dy], t): [number, number] => [dx + 0.37 * t - 1.1, dy - 0.23 * t])]);
      const frames = clips.flatMap((clip) => [clip.frames, clip.frames]);

      const inputs = await clipInputs(
        frames.map((grays) => ({ grays, width, height })),
        offsets.map(alignment),
        64,
        64,
      );

      inputs.forEach((input, i) => expect(Float32Array.from(input)).toEqual(trained(frames[i], offsets[i], width, height, 64, 64)));
    }
  });

  it('keeps each clip in its place when a batch mixes frame sizes, and clamps offsets past the frame', async () => {
    const frame = (width: number, height: number, seed: number) => Uint8Array.from({ length: width * height }, (_, i) => (i * 31 + seed * 17 + ((i * i) >> 7)) & 255);
    const clips = [
      { grays: [frame(96, 64, 1), frame(96, 64, 2)], width: 96, height: 64 },
      { grays: [frame(40, 30, 3), frame(40, 30, 4)], width: 40, height: 30 },
      { grays: [frame(96, 64, 5), frame(96, 64, 6)], width: 96, height: 64 },
    ];
    const offsets: [number, number][][] = [
      [
        [2.5, -300],
        [0, 0],
      ],
      [
        [-0.5, 0.75],
        [0, 0],
      ],
      [
        [1e-9, 3],
        [0, 0],
      ],
    ];

    const inputs = await clipInputs(clips, offsets.map(alignment), 24, 16);

    clips.forEach((clip, i) => expect(Float32Array.from(inputs[i])).toEqual(trained([...clip.grays], offsets[i], clip.width, clip.height, 24, 16)));
  });
});
