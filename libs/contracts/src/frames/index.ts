export * from './decode-frame';
export * from './frame';
export { decodeJpeg } from './jpeg-decoder';
export { decodePng } from './png-decoder';
export { encodePng } from './png-encoder';
export { ImageDecodeError, type ImageErrorKind } from './image-error';
