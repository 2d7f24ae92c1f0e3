import { deflateSync } from 'node:zlib';

import { encode as encodeJpeg } from 'jpeg-js';

import { FrameFormat } from '../frame';
import { FrameMessage } from '../decode-frame';
import { pngChunk, PNG_SIGNATURE } from '../png-chunks';

/** Test messages for the `camera.frames` contract: valid ones of every format, and the parts to break them. */

/** A deterministic picture with structure in both axes, so filters and predictors get real work. */
export function pattern(width: number, height: number, channels: number): Uint8Array {
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) pixels[(y * width + x) * channels + c] = (x * (3 + c) + y * (5 + 2 * c) + ((x * y) >> 3)) & 0xff;
    }
  }
  return pixels;
}

/** A smooth picture: JPEG keeps it within a few levels, so a round trip can be checked by value. */
export function smooth(width: number, height: number, channels: number): Uint8Array {
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) pixels[(y * width + x) * channels + c] = Math.round(128 + 100 * Math.sin((x + 9 * c) / 11) * Math.cos(y / 13));
    }
  }
  return pixels;
}

export { pngChunk, PNG_SIGNATURE };

export interface PngOptions {
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  colourType?: number;
  /** Filter type of row y is filters[y % filters.length]. */
  filters?: number[];
  palette?: Uint8Array;
  bitDepth?: number;
  interlace?: number;
  /** IDAT split into chunks of this many bytes. */
  idatChunk?: number;
  /** Chunks inserted after IHDR. */
  extra?: Buffer[];
}

const STORED: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** A PNG of already-stored samples (channels per colour type), each row with the chosen filter. */
export function encodePng(stored: Uint8Array, width: number, height: number, options: PngOptions = {}): Buffer {
  const colourType = options.colourType ?? 2;
  const filters = options.filters ?? [0];
  const bpp = STORED[colourType];
  const stride = width * bpp;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length];
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const at = (yy: number, xx: number) => (yy < 0 || xx < 0 ? 0 : stored[yy * stride + xx]);
      const a = at(y, x - bpp);
      const b = at(y - 1, x);
      const c = at(y - 1, x - bpp);
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      raw[y * (stride + 1) + 1 + x] = (stored[y * stride + x] - predictor) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([options.bitDepth ?? 8, colourType, 0, 0, options.interlace ?? 0], 8);
  const deflated = deflateSync(raw);
  const size = options.idatChunk ?? deflated.length;
  const idat: Buffer[] = [];
  for (let at = 0; at < deflated.length; at += size) idat.push(pngChunk('IDAT', deflated.subarray(at, at + size)));
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    ...(options.extra ?? []),
    ...(options.palette ? [pngChunk('PLTE', options.palette)] : []),
    ...idat,
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** A baseline JPEG (three components, as jpeg-js writes) of RGB8 pixels. */
export function jpegOf(rgb: Uint8Array, width: number, height: number, quality = 90): Buffer {
  const rgba = Buffer.alloc(width * height * 4, 255);
  for (let i = 0; i < width * height; i++) rgba.set(rgb.subarray(3 * i, 3 * i + 3), 4 * i);
  return encodeJpeg({ data: rgba, width, height }, quality).data;
}

export function headersOf(format: FrameFormat, width: number, height: number, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { 'camera-id': 'CAM-01', 'line-id': 'LINE-1', seq: '41', ts: '1795334400000123', width: String(width), height: String(height), format, ...overrides };
}

export function messageOf(format: FrameFormat, width: number, height: number, value: Buffer | null, overrides: Record<string, string | undefined> = {}): FrameMessage {
  const headers = headersOf(format, width, height, overrides);
  return { key: Buffer.from('CAM-01'), headers, value };
}

/**
 * A baseline one-component (grayscale) JPEG whose 8×8 blocks are flat, written by hand because
 * jpeg-js only writes three components: quantisation 1, DC-only blocks (each block's AC is an
 * immediate end-of-block), so every block decodes back to its exact value. `blocks` is row-major,
 * one value per block.
 */
export function grayJpegOf(blocks: Uint8Array, blocksWide: number, blocksHigh: number): Buffer {
  const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const dqt = segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]);
  const width = blocksWide * 8;
  const height = blocksHigh * 8;
  const sof = segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  // DC: categories 0..11, all 4-bit codes 0000..1011. AC: only end-of-block (0x00), code "0".
  const dcCounts = [0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const dht = segment(0xc4, [0x00, ...dcCounts, ...Array.from({ length: 12 }, (_, i) => i), 0x10, 1, ...new Array<number>(15).fill(0), 0x00]);
  const sos = segment(0xda, [1, 1, 0x00, 0, 63, 0]);

  const bits: number[] = [];
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >> i) & 1);
  };
  let previous = 0;
  for (const value of blocks) {
    const dc = 8 * (value - 128);
    const diff = dc - previous;
    previous = dc;
    const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
    put(category, 4);
    if (category > 0) put(diff > 0 ? diff : diff + (1 << category) - 1, category);
    put(0, 1); // end of block
  }
  while (bits.length % 8 !== 0) bits.push(1);
  const scan: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    const byte = bits.slice(i, i + 8).reduce((acc, bit) => (acc << 1) | bit, 0);
    scan.push(byte);
    if (byte === 0xff) scan.push(0x00);
  }
  return Buffer.from([0xff, 0xd8, ...dqt, ...sof, ...dht, ...sos, ...scan, 0xff, 0xd9]);
}
