export * from './p-chart';
export * from './rolling-chart';
export * from './shifts';
export * from './subgroup';
export * from './western-electric';
export * from './yield';
