import { channelsOf, Frame, FRAME_FORMATS, FrameFormat, Image } from './frame';
import { ImageDecodeError, ImageErrorKind } from './image-error';
import { decodeJpeg } from './jpeg-decoder';
import { decodePng } from './png-decoder';

/** Why a `camera.frames` message was refused; the dead-letter `error-code` header. */
export enum FrameRejection {
  /** The value is over `maxBytes` (1 MiB by contract). */
  TooLarge = 'TOO_LARGE',
  /** A contract header is absent. */
  MissingHeader = 'MISSING_HEADER',
  /** A header is present but malformed: not an unsigned integer, an unknown format, an empty or odd id. */
  BadHeader = 'BAD_HEADER',
  /** The Kafka key is not the camera-id header. */
  KeyMismatch = 'KEY_MISMATCH',
  /** width/height outside the accepted range. */
  SizeOutOfRange = 'SIZE_OUT_OF_RANGE',
  /** No value, or an empty one. */
  NoValue = 'NO_VALUE',
  /** GRAY8/RGB8 value whose length is not width × height × channels. */
  WrongByteCount = 'WRONG_BYTE_COUNT',
  /** JPEG/PNG that is corrupt, truncated or not that format at all. */
  Undecodable = 'UNDECODABLE',
  /** A valid JPEG/PNG variant the platform does not take (16-bit, interlaced, lossless, CMYK...). */
  UnsupportedImage = 'UNSUPPORTED_IMAGE',
  /** A JPEG/PNG whose own size differs from the width/height headers. */
  DimensionMismatch = 'DIMENSION_MISMATCH',
}

/** The frame-size policy; the contract fixes only the 1 MiB value limit. */
export interface FrameLimits {
  /** Largest value in bytes. */
  maxBytes: number;
  /** Smallest width and height: below it there is no picture a model can use. */
  minSide: number;
  maxWidth: number;
  maxHeight: number;
  /** Largest width × height: bounds what one encoded frame may decode into. */
  maxPixels: number;
}

export const MAX_FRAME_BYTES = 1024 * 1024;

export const DEFAULT_FRAME_LIMITS: Readonly<FrameLimits> = {
  maxBytes: MAX_FRAME_BYTES,
  minSide: 16,
  maxWidth: 4096,
  maxHeight: 4096,
  maxPixels: 4096 * 2048,
};

/** The contract headers, by their wire names. */
export const FRAME_HEADERS = ['camera-id', 'line-id', 'seq', 'ts', 'width', 'height', 'format'] as const;

/** A consumed message as far as the contract cares (InboundMessage of @vigil/platform fits). */
export interface FrameMessage {
  key: Buffer | null;
  headers: Readonly<Record<string, string | undefined>>;
  value: Buffer | null;
}

export type DecodedFrame = { ok: true; frame: Frame } | { ok: false; code: FrameRejection; message: string };

const reject = (code: FrameRejection, message: string): DecodedFrame => ({ ok: false, code, message });

const UNSIGNED = /^\d{1,16}$/;
/** Printable ASCII without spaces: ids end up in keys, file names, metric labels. */
const ID = /^[\x21-\x7e]{1,64}$/;

const IMAGE_REJECTIONS: Record<ImageErrorKind, FrameRejection> = {
  UNDECODABLE: FrameRejection.Undecodable,
  UNSUPPORTED: FrameRejection.UnsupportedImage,
  DIMENSION_MISMATCH: FrameRejection.DimensionMismatch,
};

/**
 * Checks one `camera.frames` message against the contract and turns it into a Frame with GRAY8 or
 * RGB8 pixels (JPEG and PNG decoded here). Never throws: every way a message can break the
 * contract, however hostile, comes back as a rejection with its code and a reason for the DLQ.
 *
 * Decoding belongs to the contract, not to the consumer: "the value is the encoded image of
 * width × height" can only be checked by decoding it, and every rejection code of the topic lives
 * here, beside the transactions contract's.
 */
export function decodeFrame(message: FrameMessage, limits: Readonly<FrameLimits> = DEFAULT_FRAME_LIMITS): DecodedFrame {
  const { value, headers } = message;
  if (value !== null && value.length > limits.maxBytes) return reject(FrameRejection.TooLarge, `the value is ${value.length} bytes; at most ${limits.maxBytes} are accepted`);

  const missing = FRAME_HEADERS.filter((name) => headers[name] === undefined);
  if (missing.length > 0) return reject(FrameRejection.MissingHeader, `missing header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const text = headers as Record<(typeof FRAME_HEADERS)[number], string>;

  for (const name of ['camera-id', 'line-id'] as const) {
    if (!ID.test(text[name])) return reject(FrameRejection.BadHeader, `${name} must be 1..64 printable ASCII characters without spaces, got ${quote(text[name])}`);
  }
  for (const name of ['seq', 'ts', 'width', 'height'] as const) {
    if (!UNSIGNED.test(text[name]) || !Number.isSafeInteger(Number(text[name]))) {
      return reject(FrameRejection.BadHeader, `${name} must be an unsigned integer (decimal digits), got ${quote(text[name])}`);
    }
  }
  if (Number(text.ts) === 0) return reject(FrameRejection.BadHeader, 'ts must be microseconds since epoch, got 0');
  if (!(FRAME_FORMATS as readonly string[]).includes(text.format)) return reject(FrameRejection.BadHeader, `format must be one of ${FRAME_FORMATS.join(', ')}, got ${quote(text.format)}`);
  const format = text.format as FrameFormat;
  const cameraId = text['camera-id'];
  if (message.key === null || message.key.toString('utf8') !== cameraId) {
    return reject(FrameRejection.KeyMismatch, `the key must be the camera-id ${cameraId}, got ${message.key === null ? 'no key' : quote(message.key.toString('utf8'))}`);
  }

  const width = Number(text.width);
  const height = Number(text.height);
  if (width < limits.minSide || width > limits.maxWidth || height < limits.minSide || height > limits.maxHeight || width * height > limits.maxPixels) {
    return reject(
      FrameRejection.SizeOutOfRange,
      `${width}x${height} is outside ${limits.minSide}..${limits.maxWidth} x ${limits.minSide}..${limits.maxHeight} with at most ${limits.maxPixels} pixels`,
    );
  }
  if (value === null || value.length === 0) return reject(FrameRejection.NoValue, 'the message has no value');

  let image: Image;
  if (format === 'GRAY8' || format === 'RGB8') {
    const expected = width * height * channelsOf(format);
    if (value.length !== expected) return reject(FrameRejection.WrongByteCount, `${format} ${width}x${height} needs ${expected} bytes, the value has ${value.length}`);
    // A copy: a view would pin the consumer's whole fetch buffer for as long as the frame is held.
    image = { width, height, pixelFormat: format, pixels: new Uint8Array(value) };
  } else {
    try {
      image = format === 'JPEG' ? decodeJpeg(value, { width, height }) : decodePng(value, { width, height });
    } catch (error) {
      if (error instanceof ImageDecodeError) return reject(IMAGE_REJECTIONS[error.kind], error.message);
      return reject(FrameRejection.Undecodable, `${format}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { ok: true, frame: { cameraId, lineId: text['line-id'], seq: Number(text.seq), ts: Number(text.ts), format, ...image } };
}

/** A header value for an error message: JSON-quoted, cut at 40 characters (hostile headers can be long). */
function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
