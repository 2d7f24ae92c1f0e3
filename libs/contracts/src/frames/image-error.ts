/** Why an encoded image was refused; decodeFrame maps each kind to its rejection code. */
export type ImageErrorKind = 'UNDECODABLE' | 'UNSUPPORTED' | 'DIMENSION_MISMATCH';

export class ImageDecodeError extends Error {
  constructor(
    readonly kind: ImageErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

/** The size every encoded frame must have: the message's width/height headers. */
export interface ExpectedSize {
  width: number;
  height: number;
}

export function checkSize(format: string, width: number, height: number, expected: ExpectedSize): void {
  if (width !== expected.width || height !== expected.height) {
    throw new ImageDecodeError('DIMENSION_MISMATCH', `the ${format} image is ${width}x${height} but the headers say ${expected.width}x${expected.height}`);
  }
}
