/** `format` header of a `camera.frames` message: raw pixels or an encoded image. */
export const FRAME_FORMATS = ['GRAY8', 'RGB8', 'JPEG', 'PNG'] as const;
export type FrameFormat = (typeof FRAME_FORMATS)[number];

/** What a decoded frame holds, whatever came over the wire: 8-bit gray or 8-bit RGB, row-major, tightly packed. */
export type PixelFormat = 'GRAY8' | 'RGB8';

export const channelsOf = (format: PixelFormat): 1 | 3 => (format === 'GRAY8' ? 1 : 3);

export interface Image {
  width: number;
  height: number;
  pixelFormat: PixelFormat;
  /** width × height × channels bytes, owned by the image (never a view into a Kafka fetch buffer). */
  pixels: Uint8Array;
}

/** One accepted `camera.frames` message. */
export interface Frame extends Image {
  cameraId: string;
  lineId: string;
  /** Per camera, +1 per frame. */
  seq: number;
  /** Capture time, integer microseconds since epoch. */
  ts: number;
  /** The wire format it came in (JPEG/PNG are decoded into `pixels`). */
  format: FrameFormat;
}

/**
 * The image as 8-bit gray: the same pixels when already gray, else ITU-R BT.601 luma
 * (0.299 R + 0.587 G + 0.114 B) in integer arithmetic, rounded.
 */
export function toGray(image: Image): Uint8Array {
  if (image.pixelFormat === 'GRAY8') return image.pixels;
  const { pixels } = image;
  const count = image.width * image.height;
  if (pixels.length !== count * 3) throw new RangeError(`toGray: image: ${pixels.length} bytes for ${image.width}x${image.height} RGB8`);
  const gray = new Uint8Array(count);
  for (let i = 0, j = 0; i < count; i++, j += 3) gray[i] = (19595 * pixels[j] + 38470 * pixels[j + 1] + 7471 * pixels[j + 2] + 32768) >>> 16;
  return gray;
}
