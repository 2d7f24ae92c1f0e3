import { Box, defectShade } from './defects';
import { beltSpeed, Geometry, MAX_SHAKE, Part, partTexture, partX, partY, planParts } from './parts';
import { hash01, Rng, valueNoise } from './rng';

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
    for (let y = 0; y < H; y++) {
      const row = (y + dy + MAX_SHAKE) * this.beltPeriod;
      for (let x = 0; x < W; x++) {
        const u = (((x + dx + offset) % this.beltPeriod) + this.beltPeriod) % this.beltPeriod;
        lum[y * W + x] = this.belt[row + u];
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
      for (let ly = 0; ly < part.h; ly++) {
        const y = py + ly - dy;
        if (y < 0 || y >= H) continue;
        for (let lx = 0; lx < part.w; lx++) {
          const x = px + lx - dx;
          if (x < 0 || x >= W) continue;
          const t = tex[ly * part.w + lx];
          if (t < 0) continue;
          const shade = part.defect ? defectShade(part.defect, lx + 0.5, ly + 0.5, frame) : 0;
          lum[y * W + x] = t + shade;
          onPart[y * W + x] = 1;
        }
      }
    }

    const gain = this.gain(frame);
    const noise = Rng.derive(this.options.seed, `noise:${this.options.camera}:${frame}`);
    const out = new Uint8Array(W * H * channels);
    for (let i = 0; i < W * H; i++) {
      const base = lum[i] * gain;
      if (channels === 1) {
        out[i] = clamp(base + 7 * (noise.float() + noise.float() - 1));
      } else {
        const tint = onPart[i] ? PART_TINT : BELT_TINT;
        for (let c = 0; c < 3; c++) out[3 * i + c] = clamp(base * tint[c] + 7 * (noise.float() + noise.float() - 1));
      }
    }
    return out;
  }

  private lastFrame = -1;
}

const clamp = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));
