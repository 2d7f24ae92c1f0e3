export * from './health.controller';
export * from './health.service';
export * from './readiness';
export * from './heartbeat-file';
