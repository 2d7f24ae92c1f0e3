import { inflateSync } from 'node:zlib';

import { Image } from './frame';
import { checkSize, ExpectedSize, ImageDecodeError } from './image-error';
import { crc32, PNG_SIGNATURE } from './png-chunks';

/** Channels stored per pixel by PNG colour type (3 = palette index). */
const STORED_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const undecodable = (message: string) => new ImageDecodeError('UNDECODABLE', `PNG: ${message}`);
const unsupported = (message: string) => new ImageDecodeError('UNSUPPORTED', `PNG: ${message}`);

interface Header {
  width: number;
  height: number;
  colourType: number;
}

/**
 * A PNG frame into GRAY8 (grey, grey+alpha) or RGB8 (truecolour, truecolour+alpha, palette) pixels;
 * alpha is dropped, as a camera has none to give. Every chunk's CRC is checked, so a corrupted byte
 * anywhere is refused rather than decoded into a wrong picture. Supported: bit depth 8, no
 * interlace (what camera encoders write); anything else is UNSUPPORTED. The size is checked against
 * `expected` before anything is inflated, and inflating stops past the expected byte count, so a
 * small hostile file cannot make the decoder allocate more than the frame it claims to be.
 */
export function decodePng(data: Uint8Array, expected: ExpectedSize): Image {
  const png = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (png.length < PNG_SIGNATURE.length || !png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) throw undecodable('no PNG signature');
  let header: Header | undefined;
  let palette: Uint8Array | undefined;
  const idat: Buffer[] = [];
  let idatEnded = false;
  let ended = false;
  let offset = PNG_SIGNATURE.length;
  while (offset < png.length) {
    if (ended) throw undecodable(`${png.length - offset} bytes after IEND`);
    if (offset + 12 > png.length) throw undecodable(`truncated chunk at byte ${offset}`);
    const length = png.readUInt32BE(offset);
    if (length > png.length - offset - 12) throw undecodable(`chunk at byte ${offset} claims ${length} bytes, only ${png.length - offset - 12} remain`);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw undecodable(`bad chunk type at byte ${offset}`);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (png.readUInt32BE(offset + 8 + length) !== crc32(png.subarray(offset + 4, offset + 8 + length))) throw undecodable(`CRC mismatch in ${type} chunk at byte ${offset}`);
    offset += 12 + length;

    if (header === undefined && type !== 'IHDR') throw undecodable(`first chunk is ${type}, not IHDR`);
    if (idat.length > 0 && type !== 'IDAT') idatEnded = true;
    switch (type) {
      case 'IHDR':
        if (header !== undefined) throw undecodable('a second IHDR');
        header = readHeader(body, expected);
        break;
      case 'PLTE':
        if (length === 0 || length % 3 !== 0 || length > 768) throw undecodable(`PLTE of ${length} bytes`);
        palette = body;
        break;
      case 'IDAT':
        if (idatEnded) throw undecodable('IDAT chunks are not consecutive');
        idat.push(body);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Ancillary chunks (lower-case first letter) may be ignored; an unknown critical one may not.
        if (type.charCodeAt(0) < 0x61) throw unsupported(`unknown critical chunk ${type}`);
    }
  }
  if (!ended) throw undecodable('no IEND chunk (truncated)');
  if (header === undefined) throw undecodable('no IHDR chunk');
  if (idat.length === 0) throw undecodable('no IDAT chunk');
  if (header.colourType === 3 && palette === undefined) throw undecodable('palette image without PLTE');
  return toImage(header, unfilter(header, inflate(header, idat)), palette);
}

function readHeader(body: Buffer, expected: ExpectedSize): Header {
  if (body.length !== 13) throw undecodable(`IHDR of ${body.length} bytes`);
  const width = body.readUInt32BE(0);
  const height = body.readUInt32BE(4);
  const [depth, colourType, compression, filter, interlace] = body.subarray(8);
  if (width === 0 || height === 0) throw undecodable(`image of ${width}x${height}`);
  if (!(colourType in STORED_CHANNELS)) throw undecodable(`colour type ${colourType}`);
  if (compression !== 0 || filter !== 0 || interlace > 1) throw undecodable(`compression ${compression}, filter ${filter}, interlace ${interlace}`);
  if (depth !== 8) throw unsupported(`bit depth ${depth} (only 8 is accepted)`);
  if (interlace !== 0) throw unsupported('interlaced (Adam7) images');
  checkSize('PNG', width, height, expected);
  return { width, height, colourType };
}

function inflate(header: Header, idat: Buffer[]): Buffer {
  const rowBytes = header.width * STORED_CHANNELS[header.colourType];
  const size = header.height * (rowBytes + 1);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: size + 1 });
  } catch (error) {
    throw undecodable(`image data does not inflate: ${(error as Error).message}`);
  }
  if (raw.length !== size) throw undecodable(`image data inflates to ${raw.length} bytes, ${size} expected`);
  return raw;
}

/** Undoes the per-row filters in place; returns the packed rows. */
function unfilter(header: Header, raw: Buffer): Uint8Array {
  const bpp = STORED_CHANNELS[header.colourType];
  const stride = header.width * bpp;
  const out = new Uint8Array(header.height * stride);
  for (let y = 0; y < header.height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const up = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[up + x] : 0;
      const c = x >= bpp && y > 0 ? out[up + x - bpp] : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >>> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw undecodable(`row ${y} has filter type ${filter}`);
      }
      out[row + x] = (raw[src + x] + predictor) & 0xff;
    }
  }
  return out;
}

function toImage(header: Header, stored: Uint8Array, palette: Uint8Array | undefined): Image {
  const { width, height, colourType } = header;
  const count = width * height;
  switch (colourType) {
    case 0:
      return { width, height, pixelFormat: 'GRAY8', pixels: stored };
    case 2:
      return { width, height, pixelFormat: 'RGB8', pixels: stored };
    case 4: {
      const pixels = new Uint8Array(count);
      for (let i = 0; i < count; i++) pixels[i] = stored[2 * i];
      return { width, height, pixelFormat: 'GRAY8', pixels };
    }
    case 6: {
      const pixels = new Uint8Array(count * 3);
      for (let i = 0; i < count; i++) pixels.set(stored.subarray(4 * i, 4 * i + 3), 3 * i);
      return { width, height, pixelFormat: 'RGB8', pixels };
    }
    default: {
      const entries = (palette as Uint8Array).length / 3;
      const pixels = new Uint8Array(count * 3);
      for (let i = 0; i < count; i++) {
        const index = stored[i];
        if (index >= entries) throw undecodable(`palette index ${index} at pixel ${i}, the palette has ${entries} entries`);
        pixels.set((palette as Uint8Array).subarray(3 * index, 3 * index + 3), 3 * i);
      }
      return { width, height, pixelFormat: 'RGB8', pixels };
    }
  }
}
