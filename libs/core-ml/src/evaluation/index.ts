export * from './ranking-metrics';
export * from './logistic-stack';
export * from './pr-curve-svg';
