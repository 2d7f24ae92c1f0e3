import { Rng } from '@vigil/platform';

import { Box, defectShade } from './defects';
import { beltSpeed, Geometry, MAX_SHAKE, Part, partTexture, partX, partY, planParts } from './parts';
import { hash01, valueNoise } from './noise';

export interface SceneOptions {
  seed: number;
  /** Names the camera's random streams, e.g. `CAM-01`. */
  camera: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  defectRate: number;
  channels: 1 | 3;
}

const BELT_TINT = [0.92, 0.97, 1.06];
const PART_TINT = [1.04, 1.0, 0.93];

/**
 * One camera looking down at a conveyor: a textured belt scrolling right to left, parts riding on
 * it, sensor noise, slow lighting drift and camera shake (a small global shift per frame).
 * Everything derives from (seed, camera): `render(frame)` gives the same bytes every time.
 */
export class CameraScene {
  readonly geometry: Geometry;
  readonly parts: Part[];
  private readonly belt: Float32Array;
  private readonly beltPeriod: number;
  private readonly beltRows: number;
  private readonly shakes: Int8Array;
  private readonly drift: { amplitude: number; period: number; phase: number };
  private readonly textures = new Map<number, Float32Array>();
  private cursor = 0;

  constructor(private readonly options: SceneOptions) {
    const { seed, camera, width, height, frames } = options;
    this.geometry = { width, height, speed: beltSpeed(width) };
    this.parts = planParts(Rng.derive(seed, `parts:${camera}`), this.geometry, frames, options.defectRate);

    // Belt: a tile that repeats along the travel, dark rubber with grain and a cleat every 48 px.
    this.beltPeriod = 48 * Math.ceil((1.5 * width) / 48);
    this.beltRows = height + 2 * MAX_SHAKE;
    const beltSeed = Rng.derive(seed, `belt:${camera}`).uint32();
    this.belt = new Float32Array(this.beltPeriod * this.beltRows);
    for (let v = 0; v < this.beltRows; v++) {
      for (let u = 0; u < this.beltPeriod; u++) {
        let b = 70 + 14 * (valueNoise(beltSeed, u, v, 7) - 0.5) + 8 * (hash01(beltSeed + 1, u, v) - 0.5);
        if (u % 48 < 2) b -= 18;
        this.belt[v * this.beltPeriod + u] = b;
      }
    }

    const shake = Rng.derive(seed, `shake:${camera}`);
    this.shakes = new Int8Array(2 * frames);
    for (let i = 0; i < 2 * frames; i++) this.shakes[i] = shake.chance(0.6) ? shake.int(-MAX_SHAKE, MAX_SHAKE) : 0;
    const light = Rng.derive(seed, `light:${camera}`);
    this.drift = { amplitude: light.uniform(0.04, 0.1), period: light.uniform(20, 90) * options.fps, phase: light.uniform(0, 2 * Math.PI) };
  }

  /** The camera's global shift on `frame`: screen pixel (x, y) sees scene point (x + dx, y + dy). */
  shake(frame: number): { dx: number; dy: number } {
    return { dx: this.shakes[2 * frame] ?? 0, dy: this.shakes[2 * frame + 1] ?? 0 };
  }

  /** Lighting gain on `frame` (slow sinusoidal drift around 1). */
  gain(frame: number): number {
    return 1 + this.drift.amplitude * Math.sin((2 * Math.PI * frame) / this.drift.period + this.drift.phase);
  }

  /** A scene box (part-local `local`, or the whole part) as screen pixels on `frame`, shake included. */
  screenBox(part: Part, frame: number, local: Box = { x: 0, y: 0, w: part.w, h: part.h }): Box {
    const { dx, dy } = this.shake(frame);
    return { x: partX(part, frame, this.geometry.speed) + local.x - dx, y: partY(part, frame) + local.y - dy, w: local.w, h: local.h };
  }

  /** Row-major, tightly packed pixels of `frame`: 1 byte (GRAY8) or 3 (RGB8) per pixel. */
  render(frame: number): Uint8Array {
    const { width: W, height: H, speed } = this.geometry;
    const { channels } = this.options;
    const { dx, dy } = this.shake(frame);
    const lum = new Float32Array(W * H);
    const onPart = new Uint8Array(W * H);
    const offset = speed * frame;
    const period = this.beltPeriod;
    const belt = this.belt;
    const u0 = (((dx + offset) % period) + period) % period;
    for (let y = 0; y < H; y++) {
      const row = (y + dy + MAX_SHAKE) * period;
      let u = u0;
      for (let x = 0, i = y * W; x < W; x++, i++) {
        lum[i] = belt[row + u];
        if (++u === period) u = 0;
      }
    }

    if (frame < this.lastFrame) this.cursor = 0;
    this.lastFrame = frame;
    while (this.cursor < this.parts.length && partX(this.parts[this.cursor], frame, speed) + this.parts[this.cursor].w < -MAX_SHAKE) {
      this.textures.delete(this.parts[this.cursor].index);
      this.cursor++;
    }
    for (let i = this.cursor; i < this.parts.length; i++) {
      const part = this.parts[i];
      const px = partX(part, frame, speed);
      if (px > W + MAX_SHAKE) break;
      if (px + part.w < -MAX_SHAKE) continue;
      const py = partY(part, frame);
      let tex = this.textures.get(part.index);
      if (!tex) {
        tex = partTexture(part);
        this.textures.set(part.index, tex);
      }
      const defect = part.defect;
      const lx0 = Math.max(0, dx - px);
      const lx1 = Math.min(part.w, W + dx - px);
      for (let ly = Math.max(0, dy - py); ly < Math.min(part.h, H + dy - py); ly++) {
        const row = (py + ly - dy) * W + px - dx;
        const texRow = ly * part.w;
        for (let lx = lx0; lx < lx1; lx++) {
          const t = tex[texRow + lx];
          if (t < 0) continue;
          lum[row + lx] = defect ? t + defectShade(defect, lx + 0.5, ly + 0.5, frame) : t;
          onPart[row + lx] = 1;
        }
      }
    }

    const gain = this.gain(frame);
    const table = noiseTable();
    const pick = Rng.derive(this.options.seed, `noise:${this.options.camera}:${frame}`);
    let n = pick.int(0, NOISE_SIZE - 1);
    const step = 2 * pick.int(0, 255) + 1; // odd: walks the whole table
    const out = new Uint8Array(W * H * channels);
    for (let i = 0; i < W * H; i++) {
      const base = lum[i] * gain;
      if (channels === 1) {
        out[i] = clamp(base + table[n]);
        n = (n + step) & MASK;
      } else {
        const tint = onPart[i] ? PART_TINT : BELT_TINT;
        out[3 * i] = clamp(base * tint[0] + table[n]);
        n = (n + step) & MASK;
        out[3 * i + 1] = clamp(base * tint[1] + table[n]);
        n = (n + step) & MASK;
        out[3 * i + 2] = clamp(base * tint[2] + table[n]);
        n = (n + step) & MASK;
      }
    }
    return out;
  }

  private lastFrame = -1;
}

/** Sensor noise: a fixed table of triangular samples (±7 levels), read from a random start and stride per frame. */
const NOISE_SIZE = 1 << 20;
const MASK = NOISE_SIZE - 1;
let noiseSamples: Float32Array | undefined;
function noiseTable(): Float32Array {
  if (!noiseSamples) {
    const rng = new Rng(0x5e4502);
    noiseSamples = new Float32Array(NOISE_SIZE);
    for (let i = 0; i < NOISE_SIZE; i++) noiseSamples[i] = 7 * (rng.float() + rng.float() - 1);
  }
  return noiseSamples;
}

/** Uint8Array stores truncate: +0.5 rounds; the array itself clamps nothing, so clamp first. */
const clamp = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5);
