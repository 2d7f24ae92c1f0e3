import { encodePng, FRAME_FORMATS, FrameFormat } from '@vigil/contracts';
import { hashLabel, Rng } from '@vigil/platform';
import { encode as encodeJpegRgba } from 'jpeg-js';

import { Box, DefectClass, TEMPORAL_DEFECTS } from './defects';
import { applyFaults, FaultRates } from './faults';
import { hash01 } from './noise';
import { CameraScene } from './scene';

export const FORMATS = FRAME_FORMATS;
export type { FrameFormat };

/** jpeg-js quality (1..100) when none is given: visually clean, about 10x smaller than RGB8. */
export const DEFAULT_JPEG_QUALITY = 85;

export interface SimulationOptions {
  /** Unsigned 32-bit seed: the same options give the same frames, byte for byte. */
  seed: number;
  cameras: number;
  /** Cameras are spread over the lines round-robin. */
  lines: number;
  fps: number;
  /** Simulated seconds; frames per camera = round(seconds × fps). */
  seconds: number;
  width: number;
  height: number;
  format: FrameFormat;
  /** JPEG quality 1..100 (format JPEG only); DEFAULT_JPEG_QUALITY when absent. */
  jpegQuality?: number;
  /** Probability that a part is defective. */
  defectRate: number;
  faults: FaultRates;
  /** Capture time of seq 0, ISO-8601 instant. */
  start: string;
}

/** `camera.frames` headers (all strings on the wire). */
export interface FrameHeaders {
  'camera-id': string;
  'line-id': string;
  seq: string;
  ts: string;
  width: string;
  height: string;
  format: FrameFormat;
  [name: string]: string;
}

export interface SimulatedFrame {
  /** Kafka key: the camera id. */
  key: string;
  headers: FrameHeaders;
  value: Buffer;
  /** Capture tick (0-based), the same for all cameras; seq equals it before faults. */
  tick: number;
}

/** Ground truth per part (one clip): the frames where it is completely in view. */
export interface TruthRecord {
  camera: string;
  line: string;
  part: number;
  seqStart: number;
  seqEnd: number;
  tsStart: number;
  tsEnd: number;
  label: 'OK' | DefectClass;
  /** True for flicker / wobble / slip: no single frame shows them. */
  temporal: boolean;
  /** The defect on the frame at seqEnd, screen pixels (the whole part for wobble / slip); null when OK. */
  bbox: Box | null;
  /** The part on the frame at seqEnd, screen pixels. */
  partBbox: Box;
  /** False when the simulation started or ended while the part was in view (the range is clipped). */
  complete: boolean;
}

export const DEFAULT_START = '2026-11-22T08:00:00Z';

export const cameraId = (index: number): string => `CAM-${String(index + 1).padStart(2, '0')}`;
export const lineId = (index: number, lines: number): string => `LINE-${(index % lines) + 1}`;
export const frameCount = (options: Pick<SimulationOptions, 'seconds' | 'fps'>): number => Math.max(1, Math.round(options.seconds * options.fps));
export const channelsOf = (format: FrameFormat): 1 | 3 => (format === 'GRAY8' ? 1 : 3);

interface Camera {
  id: string;
  line: string;
  scene: CameraScene;
  /** Capture time of seq n, integer µs since epoch. */
  ts(seq: number): number;
}

function cameras(options: SimulationOptions): Camera[] {
  const startMicros = Date.parse(options.start) * 1000;
  const period = 1e6 / options.fps;
  const jitter = Math.min(200, Math.floor(period / 4));
  const frames = frameCount(options);
  const result: Camera[] = [];
  for (let k = 0; k < options.cameras; k++) {
    const id = cameraId(k);
    const clockSeed = hashLabel(options.seed, `clock:${id}`);
    const phase = Math.floor(hash01(clockSeed, -1, -1) * (period / 2));
    result.push({
      id,
      line: lineId(k, options.lines),
      scene: new CameraScene({ seed: options.seed, camera: id, width: options.width, height: options.height, fps: options.fps, frames, defectRate: options.defectRate, channels: channelsOf(options.format) }),
      ts: (seq) => startMicros + phase + Math.round(seq * period) + Math.floor(hash01(clockSeed, seq, 0) * (2 * jitter + 1)) - jitter,
    });
  }
  return result;
}

function* capture(options: SimulationOptions, cams: Camera[]): Generator<SimulatedFrame> {
  const frames = frameCount(options);
  const channels = channelsOf(options.format);
  for (let tick = 0; tick < frames; tick++) {
    for (const cam of cams) {
      const pixels = cam.scene.render(tick);
      const value = encode(options, pixels, channels);
      const headers: FrameHeaders = {
        'camera-id': cam.id,
        'line-id': cam.line,
        seq: String(tick),
        ts: String(cam.ts(tick)),
        width: String(options.width),
        height: String(options.height),
        format: options.format,
      };
      yield { key: cam.id, headers, value, tick };
    }
  }
}

/** One rendered frame as its wire value. */
function encode(options: SimulationOptions, pixels: Uint8Array, channels: 1 | 3): Buffer {
  switch (options.format) {
    case 'PNG':
      return encodePng(pixels, options.width, options.height, channels);
    case 'JPEG':
      return encodeJpeg(pixels, options.width, options.height, options.jpegQuality ?? DEFAULT_JPEG_QUALITY);
    default:
      return Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  }
}

/** A baseline YCbCr JPEG of RGB8 pixels (jpeg-js takes RGBA). */
export function encodeJpeg(rgb: Uint8Array, width: number, height: number, quality: number): Buffer {
  if (rgb.length !== width * height * 3) throw new RangeError(`encodeJpeg: rgb: ${rgb.length} bytes for ${width}x${height} RGB8`);
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new RangeError(`encodeJpeg: quality must be an integer from 1 to 100, got ${quality}`);
  const rgba = Buffer.alloc(width * height * 4, 255);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgba[i] = rgb[j];
    rgba[i + 1] = rgb[j + 1];
    rgba[i + 2] = rgb[j + 2];
  }
  return encodeJpegRgba({ data: rgba, width, height }, quality).data;
}

/**
 * The `camera.frames` messages: every camera's frame of tick 0, then of tick 1, ... (capture
 * order), with the transport faults applied. Pure: everything comes from the options' seed.
 */
export function simulate(options: SimulationOptions): Generator<SimulatedFrame> {
  return applyFaults(capture(options, cameras(options)), Rng.derive(options.seed, 'faults'), options.faults, (f) => f.key);
}

function truthOf(options: SimulationOptions, cams: Camera[]): TruthRecord[] {
  const frames = frameCount(options);
  const records: TruthRecord[] = [];
  for (const cam of cams) {
    for (const part of cam.scene.parts) {
      if (part.lastFull < 0 || part.firstFull > frames - 1) continue;
      const seqStart = Math.max(0, part.firstFull);
      const seqEnd = Math.min(frames - 1, part.lastFull);
      const defect = part.defect;
      records.push({
        camera: cam.id,
        line: cam.line,
        part: part.index,
        seqStart,
        seqEnd,
        tsStart: cam.ts(seqStart),
        tsEnd: cam.ts(seqEnd),
        label: defect ? defect.cls : 'OK',
        temporal: defect !== null && (TEMPORAL_DEFECTS as readonly string[]).includes(defect.cls),
        bbox: defect ? cam.scene.screenBox(part, seqEnd, defect.box) : null,
        partBbox: cam.scene.screenBox(part, seqEnd),
        complete: seqStart === part.firstFull && seqEnd === part.lastFull,
      });
    }
  }
  return records;
}

/** Ground truth for every part that is completely in view at least once, per camera in belt order. */
export function truth(options: SimulationOptions): TruthRecord[] {
  return truthOf(options, cameras(options));
}

/** Everything in memory (tests, small runs). */
export function generate(options: SimulationOptions): { frames: SimulatedFrame[]; truth: TruthRecord[] } {
  return { frames: [...simulate(options)], truth: truth(options) };
}
