import { defectShade } from './defects';
import { generate, SimulationOptions, simulate, truth } from './generate';
import { NO_FAULTS } from './faults';
import { Part } from './parts';
import { encodePng } from '@vigil/contracts';
import { CameraScene } from './scene';

const options = (overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({
  seed: 11,
  cameras: 3,
  lines: 2,
  fps: 20,
  seconds: 3,
  width: 64,
  height: 64,
  format: 'GRAY8',
  defectRate: 0.5,
  faults: NO_FAULTS,
  start: '2026-11-22T08:00:00Z',
  ...overrides,
});

describe('camera simulator', () => {
  it('gives identical bytes for the same seed and different ones for another seed', () => {
    const a = generate(options({ faults: { drop: 0.1, duplicate: 0.1, reorder: 0.1 } }));
    const b = generate(options({ faults: { drop: 0.1, duplicate: 0.1, reorder: 0.1 } }));
    const c = generate(options({ seed: 12 }));

    expect(a.frames.map((f) => [f.key, f.headers, f.value.toString('base64')])).toEqual(b.frames.map((f) => [f.key, f.headers, f.value.toString('base64')]));
    expect(a.truth).toEqual(b.truth);
    expect(Buffer.concat(c.frames.map((f) => f.value)).equals(Buffer.concat(a.frames.map((f) => f.value)))).toBe(false);
  });

  it.each([
    ['GRAY8', 1],
    ['RGB8', 3],
  ] as const)('writes valid %s headers and values before faults', (format, channels) => {
    const { frames } = generate(options({ format, width: 80, height: 64 }));
    const start = Date.parse('2026-11-22T08:00:00Z') * 1000;

    expect(frames).toHaveLength(3 * 60);
    for (const cam of ['CAM-01', 'CAM-02', 'CAM-03']) {
      const mine = frames.filter((f) => f.key === cam);
      expect(mine.map((f) => Number(f.headers.seq))).toEqual(Array.from({ length: 60 }, (_, i) => i));
      let last = -Infinity;
      for (const f of mine) {
        const h = f.headers;
        expect(h['camera-id']).toBe(cam);
        expect(h['line-id']).toBe(cam === 'CAM-02' ? 'LINE-2' : 'LINE-1');
        expect(h).toMatchObject({ width: '80', height: '64', format });
        expect(h.seq).toMatch(/^\d+$/);
        expect(h.ts).toMatch(/^\d+$/);
        const ts = Number(h.ts);
        expect(Number.isSafeInteger(ts)).toBe(true);
        expect(ts).toBeGreaterThan(last);
        expect(Math.abs(ts - (start + Number(h.seq) * 50_000))).toBeLessThan(50_000);
        last = ts;
        expect(f.value).toHaveLength(80 * 64 * channels);
      }
    }
  });

  it('encodes PNG frames from the same pixels as RGB8', () => {
    const rgb = generate(options({ format: 'RGB8', seconds: 0.5 })).frames;
    const png = generate(options({ format: 'PNG', seconds: 0.5 })).frames;

    expect(png.map((f) => f.headers.format)).toEqual(rgb.map(() => 'PNG'));
    png.forEach((f, i) => expect(f.value.equals(encodePng(rgb[i].value, 64, 64, 3))).toBe(true));
  });

  it('applies transport faults to the stream', () => {
    const clean = generate(options()).frames.length;
    const faulty = [...simulate(options({ faults: { drop: 0.2, duplicate: 0, reorder: 0 } }))];
    const dup = [...simulate(options({ faults: { drop: 0, duplicate: 0.2, reorder: 0 } }))];

    expect(faulty.length).toBeLessThan(clean);
    expect(dup.length).toBeGreaterThan(clean);
  });

  it('has ground truth for every part that is fully in view, in disjoint seq ranges', () => {
    const opts = options({ seconds: 10, defectRate: 0.7 });
    const records = truth(opts);
    const frames = 200;

    for (let k = 0; k < opts.cameras; k++) {
      const camera = `CAM-0${k + 1}`;
      const scene = new CameraScene({ seed: opts.seed, camera, width: 64, height: 64, fps: 20, frames, defectRate: 0.7, channels: 1 });
      const visible = scene.parts.filter((p) => p.lastFull >= 0 && p.firstFull < frames);
      const mine = records.filter((r) => r.camera === camera);
      expect(mine.map((r) => r.part)).toEqual(visible.map((p) => p.index));
      for (let i = 0; i < mine.length; i++) {
        const r = mine[i];
        expect(r.seqStart).toBeLessThanOrEqual(r.seqEnd);
        if (i > 0) expect(r.seqStart).toBeGreaterThan(mine[i - 1].seqEnd);
        expect(r.label === 'OK').toBe(r.bbox === null);
        const b = r.partBbox;
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(0);
        expect(b.x + b.w).toBeLessThanOrEqual(64);
        expect(b.y + b.h).toBeLessThanOrEqual(64);
      }
    }
    expect(records.some((r) => r.label === 'OK')).toBe(true);
    expect(records.some((r) => r.label !== 'OK')).toBe(true);
  });
});

/** A camera (seeds tried in order) with a part of `cls` fully in view on at least 8 frames. */
function findPart(cls: string): { scene: CameraScene; part: Part } {
  for (let seed = 1; seed < 200; seed++) {
    const scene = new CameraScene({ seed, camera: 'CAM-01', width: 64, height: 64, fps: 25, frames: 200, defectRate: 1, channels: 1 });
    const part = scene.parts.find((p) => p.defect?.cls === cls && p.lastFull - p.firstFull >= 8 && p.lastFull < 200);
    if (part) return { scene, part };
  }
  throw new Error(`no ${cls} part found`);
}

/** Screen pixels (index into a GRAY8 frame) where the defect shades the part on `frame`. */
function defectPixels(scene: CameraScene, part: Part, frame: number): number[] {
  const origin = scene.screenBox(part, frame);
  const defect = part.defect!;
  const pixels: number[] = [];
  for (let ly = defect.box.y; ly < defect.box.y + defect.box.h; ly++) {
    for (let lx = defect.box.x; lx < defect.box.x + defect.box.w; lx++) {
      if (defectShade(defect, lx + 0.5, ly + 0.5, 0) === 0) continue;
      const x = origin.x + lx;
      const y = origin.y + ly;
      if (x >= 0 && y >= 0 && x < 64 && y < 64) pixels.push(y * 64 + x);
    }
  }
  return pixels;
}

const mean = (frame: Uint8Array, pixels: number[]): number => pixels.reduce((sum, i) => sum + frame[i], 0) / pixels.length;

describe('defects', () => {
  it('flicker: the spot brightness alternates between consecutive frames', () => {
    const { scene, part } = findPart('flicker');
    const means: number[] = [];
    for (let f = part.firstFull; f < part.firstFull + 6; f++) means.push(mean(scene.render(f), defectPixels(scene, part, f)));

    for (let i = 1; i < means.length; i++) {
      const step = means[i] - means[i - 1];
      expect(Math.abs(step)).toBeGreaterThan(25);
      if (i > 1) expect(Math.sign(step)).toBe(-Math.sign(means[i - 1] - means[i - 2]));
    }
  });

  it.each(['scratch', 'dent', 'crack'] as const)('%s: the defect pixels are darker than the good texture under them', (cls) => {
    const { scene, part } = findPart(cls);
    const frame = part.firstFull + 4;
    const pixels = defectPixels(scene, part, frame);
    const defective = mean(scene.render(frame), pixels);
    part.defect = null;
    const good = mean(scene.render(frame), pixels);

    expect(pixels.length).toBeGreaterThan(3);
    expect(defective).toBeLessThan(good - 30);
  });

  it('wobble moves the part across the belt; slip makes it fall behind the belt', () => {
    const wobble = findPart('wobble');
    const ys = new Set<number>();
    for (let f = wobble.part.firstFull; f <= wobble.part.lastFull; f++) ys.add(wobble.scene.screenBox(wobble.part, f).y + wobble.scene.shake(f).dy);
    expect(ys.size).toBeGreaterThan(2);

    const slip = findPart('slip');
    const speed = slip.scene.geometry.speed;
    const steps: number[] = [];
    for (let f = slip.part.firstFull; f < slip.part.lastFull; f++) {
      steps.push(slip.scene.screenBox(slip.part, f).x + slip.scene.shake(f).dx - (slip.scene.screenBox(slip.part, f + 1).x + slip.scene.shake(f + 1).dx));
    }
    expect(Math.min(...steps)).toBeLessThan(speed);
  });
});

it('keeps the largest raw frame (640x480 RGB8) within the 1 MiB contract limit', () => {
  const [frame] = simulate(options({ format: 'RGB8', width: 640, height: 480, cameras: 1, seconds: 0.05 }));
  expect(frame.value.length).toBe(640 * 480 * 3);
  expect(frame.value.length).toBeLessThanOrEqual(1024 * 1024);
});
