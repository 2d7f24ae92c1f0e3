import { decodePng, encodePng, Image } from '@vigil/contracts';


export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface OverlayInput {
  /** The stored crop (GRAY8 or RGB8), `rect` of the frame. */
  crop: Image;
  rect: Rect;
  /** Size of the frame the crop and the heatmap cover. */
  frame: { width: number; height: number };
  /** The model's heatmap (GRAY8, 255 = certainly defect) over the whole frame, at the model's resolution. */
  heatmap: Image;
  /** Nearest-neighbour upscaling of the result, so small crops show in a gallery. */
  scale: number;
}

/** The overlay's colour, and its opacity where the heatmap is 255. */
const HEAT_RGB = [255, 48, 0] as const;
const MAX_ALPHA = 0.6;
export const MAX_OVERLAY_SCALE = 8;

/**
 * The crop with the heatmap laid over it in red, as RGB8: each crop pixel's centre is mapped to the
 * frame, then into the heatmap, which is sampled bilinearly (the heatmap is coarser than the frame,
 * and nearest sampling would draw its grid).
 */
export function overlayHeatmap({ crop, rect, frame, heatmap, scale }: OverlayInput): Image {
  if (crop.width !== rect.w || crop.height !== rect.h) throw new RangeError(`crop is ${crop.width}x${crop.height} but rect is ${rect.w}x${rect.h}`);
  if (heatmap.pixelFormat !== 'GRAY8') throw new RangeError(`heatmap must be GRAY8, got ${heatmap.pixelFormat}`);
  if (!(frame.width > 0 && frame.height > 0)) throw new RangeError(`frame size must be positive, got ${frame.width}x${frame.height}`);
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_OVERLAY_SCALE) throw new RangeError(`scale must be an integer from 1 to ${MAX_OVERLAY_SCALE}, got ${scale}`);
  const channels = crop.pixelFormat === 'GRAY8' ? 1 : 3;
  const heat = (fx: number, fy: number): number => {
    const u = clamp(((fx + 0.5) * heatmap.width) / frame.width - 0.5, 0, heatmap.width - 1);
    const v = clamp(((fy + 0.5) * heatmap.height) / frame.height - 0.5, 0, heatmap.height - 1);
    const u0 = Math.floor(u);
    const v0 = Math.floor(v);
    const u1 = Math.min(u0 + 1, heatmap.width - 1);
    const v1 = Math.min(v0 + 1, heatmap.height - 1);
    const at = (x: number, y: number) => heatmap.pixels[y * heatmap.width + x];
    const top = at(u0, v0) + (at(u1, v0) - at(u0, v0)) * (u - u0);
    const bottom = at(u0, v1) + (at(u1, v1) - at(u0, v1)) * (u - u0);
    return (top + (bottom - top) * (v - v0)) / 255;
  };
  const blended = new Uint8Array(crop.width * crop.height * 3);
  for (let y = 0; y < crop.height; y++) {
    for (let x = 0; x < crop.width; x++) {
      const alpha = MAX_ALPHA * heat(rect.x + x, rect.y + y);
      const src = (y * crop.width + x) * channels;
      for (let c = 0; c < 3; c++) {
        const base = crop.pixels[src + (channels === 1 ? 0 : c)];
        blended[(y * crop.width + x) * 3 + c] = Math.round(base * (1 - alpha) + HEAT_RGB[c] * alpha);
      }
    }
  }
  return { width: crop.width * scale, height: crop.height * scale, pixelFormat: 'RGB8', pixels: upscale(blended, crop.width, crop.height, 3, scale) };
}

/** Decodes a PNG this service stored, at the size its own header states. */
export function decodeStoredPng(png: Uint8Array): Image {
  return decodePng(png, pngSize(png));
}

/** Width and height from a PNG's IHDR, without inflating anything. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  if (png.length < 24) throw new RangeError(`stored PNG is ${png.length} bytes, too short for a header`);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export function encodeImagePng(image: Image): Buffer {
  return encodePng(image.pixels, image.width, image.height, image.pixelFormat === 'GRAY8' ? 1 : 3);
}

/** Nearest-neighbour: each pixel becomes a scale × scale block. */
export function upscale(pixels: Uint8Array, width: number, height: number, channels: number, scale: number): Uint8Array {
  if (scale === 1) return pixels;
  const out = new Uint8Array(pixels.length * scale * scale);
  const outWidth = width * scale;
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < outWidth; x++) {
      const src = (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels;
      out.set(pixels.subarray(src, src + channels), (y * outWidth + x) * channels);
    }
  }
  return out;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
