export * from './inspection-result';
