import type { PixelBox } from '@vigil/core-ml';

import { encodePng } from '@vigil/contracts';
import type { InspectionImages } from './inspection.repository';

/** Margin around the box in the crop, as a share of the box's side (at least 8 px). */
const CROP_MARGIN = 0.5;

/**
 * A DEFECT clip's gallery images: its last frame (grey PNG), that frame cropped around the box with
 * a margin, and the model's heatmap as an 8-bit grey PNG at model resolution (it covers the whole frame).
 */
export function defectImages(gray: Uint8Array, width: number, height: number, bbox: PixelBox | null, heatmap: ArrayLike<number>, heatWidth: number, heatHeight: number): InspectionImages {
  if (gray.length !== width * height) throw new RangeError(`defectImages: gray holds ${gray.length} bytes for ${width}x${height}`);
  if (heatmap.length !== heatWidth * heatHeight) throw new RangeError(`defectImages: heatmap holds ${heatmap.length} values for ${heatWidth}x${heatHeight}`);
  const box = bbox ?? { x: 0, y: 0, w: width, h: height };
  const mx = Math.max(8, Math.round(box.w * CROP_MARGIN));
  const my = Math.max(8, Math.round(box.h * CROP_MARGIN));
  const x0 = Math.max(0, box.x - mx);
  const y0 = Math.max(0, box.y - my);
  const x1 = Math.min(width, box.x + box.w + mx);
  const y1 = Math.min(height, box.y + box.h + my);
  const crop = new Uint8Array((x1 - x0) * (y1 - y0));
  for (let y = y0; y < y1; y++) crop.set(gray.subarray(y * width + x0, y * width + x1), (y - y0) * (x1 - x0));
  const heat = Uint8Array.from(heatmap, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
  return {
    framePng: encodePng(gray, width, height, 1),
    cropPng: encodePng(crop, x1 - x0, y1 - y0, 1),
    crop: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 },
    heatmapPng: encodePng(heat, heatWidth, heatHeight, 1),
  };
}
