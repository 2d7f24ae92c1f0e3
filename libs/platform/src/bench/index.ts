export * from './benchmark-report';
