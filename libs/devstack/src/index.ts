export * from './free-port';
export * from './postgres';
export * from './testing';
export * from './dev-kafka';
