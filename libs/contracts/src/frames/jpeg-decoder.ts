import { decode } from 'jpeg-js';

import { Image } from './frame';
import { checkSize, ExpectedSize, ImageDecodeError } from './image-error';

const undecodable = (message: string) => new ImageDecodeError('UNDECODABLE', `JPEG: ${message}`);

/** Start-of-frame markers jpeg-js decodes: baseline, extended sequential, progressive (Huffman). */
const DECODABLE_SOF = new Set([0xc0, 0xc1, 0xc2]);
/** The other start-of-frame markers: lossless and arithmetic-coded, which jpeg-js cannot decode. */
const OTHER_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

interface JpegHeader {
  width: number;
  height: number;
  components: number;
}

/** Walks the marker segments up to the start of frame and reads the size from it, without decoding. */
export function readJpegHeader(jpeg: Uint8Array): JpegHeader {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw undecodable('no SOI marker');
  let offset = 2;
  for (;;) {
    if (offset + 4 > jpeg.length) throw undecodable('no start-of-frame segment before the end');
    if (jpeg[offset] !== 0xff) throw undecodable(`no marker at byte ${offset}`);
    const marker = jpeg[offset + 1];
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    const length = (jpeg[offset + 2] << 8) | jpeg[offset + 3];
    if (length < 2 || offset + 2 + length > jpeg.length) throw undecodable(`segment ${marker.toString(16)} at byte ${offset} has a bad length ${length}`);
    if (DECODABLE_SOF.has(marker)) {
      if (length < 8) throw undecodable('start-of-frame segment too short');
      const precision = jpeg[offset + 4];
      const height = (jpeg[offset + 5] << 8) | jpeg[offset + 6];
      const width = (jpeg[offset + 7] << 8) | jpeg[offset + 8];
      const components = jpeg[offset + 9];
      if (length !== 8 + 3 * components) throw undecodable(`start-of-frame segment of ${length} bytes for ${components} components`);
      if (precision !== 8) throw new ImageDecodeError('UNSUPPORTED', `JPEG: ${precision}-bit samples (only 8 is accepted)`);
      if (components !== 1 && components !== 3) throw new ImageDecodeError('UNSUPPORTED', `JPEG: ${components} components (1 or 3 are accepted)`);
      return { width, height, components };
    }
    if (OTHER_SOF.has(marker)) throw new ImageDecodeError('UNSUPPORTED', `JPEG: start-of-frame type ${marker.toString(16)} (lossless or arithmetic coding)`);
    if (marker === 0xda || marker === 0xd9) throw undecodable('scan or end before any start-of-frame segment');
    offset += 2 + length;
  }
}

/**
 * A JPEG frame into GRAY8 (one component) or RGB8 (three) pixels. The size in the start-of-frame
 * segment is checked against `expected` before decoding, so a hostile header cannot make jpeg-js
 * allocate more than the frame claims; jpeg-js runs non-tolerant, so a truncated or corrupt entropy
 * stream is an error, not a half-grey picture.
 */
export function decodeJpeg(jpeg: Uint8Array, expected: ExpectedSize): Image {
  const header = readJpegHeader(jpeg);
  checkSize('JPEG', header.width, header.height, expected);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = decode(jpeg, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: Math.max(1, Math.ceil((header.width * header.height) / 1e6)),
      maxMemoryUsageInMB: 64,
    });
  } catch (error) {
    // jpeg-js throws Errors, TypeErrors from inside its tables, and sometimes plain strings.
    throw undecodable(error instanceof Error ? error.message : String(error));
  }
  checkSize('JPEG', decoded.width, decoded.height, expected);
  const { width, height, data } = decoded;
  if (data.length !== width * height * 3) throw undecodable(`decoder returned ${data.length} bytes for ${width}x${height}`);
  if (header.components === 3) return { width, height, pixelFormat: 'RGB8', pixels: data };
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data[3 * i];
  return { width, height, pixelFormat: 'GRAY8', pixels };
}
