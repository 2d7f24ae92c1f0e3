import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'pino';

import { InvalidEnvError, loadEnv, PlatformEnv } from '../config';
import { HealthService } from '../health';
import { createJsonLogger, JsonLogger } from '../logging';
import { setHeapGrowingPercent } from './heap-growth';

export interface ServiceDefinition<E extends PlatformEnv> {
  service: string;
  version: string;
  description: string;
  envClass: new () => E;
  rootModule: (env: E, logger: Logger) => DynamicModule;
  /** V8's old-generation headroom (setHeapGrowingPercent); unset: V8's own choice. */
  heapGrowingPercent?: number;
}

/**
 * Starts one service: validated config (or exit 1 naming every bad variable), JSON logs, OpenAPI
 * at /docs, and a graceful stop on SIGTERM/SIGINT that drains readiness,
 * lets in-flight work finish and commit, and gives up after SHUTDOWN_TIMEOUT_MS.
 */
export async function bootstrapService<E extends PlatformEnv>(definition: ServiceDefinition<E>): Promise<void> {
  if (definition.heapGrowingPercent !== undefined) setHeapGrowingPercent(definition.heapGrowingPercent);
  let env: E;
  try {
    env = loadEnv(definition.envClass);
  } catch (error) {
    if (!(error instanceof InvalidEnvError)) throw error;
    process.stderr.write(`${JSON.stringify({ level: 'fatal', service: definition.service, message: error.message, problems: error.problems })}\n`);
    process.exit(1);
  }
  const logger = createJsonLogger(definition.service, env.LOG_LEVEL);
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });

  const app = await NestFactory.create(definition.rootModule(env, logger), { logger: new JsonLogger(logger) });
  const openApi = new DocumentBuilder().setTitle(definition.service).setDescription(definition.description).setVersion(definition.version).addBearerAuth().build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS).unref();
    app.get(HealthService).startDraining();
    let code = 0;
    try {
      await app.close();
      logger.info('stopped');
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      code = 1;
    }
    // Exit only once the log lines are out: a pipe may still hold them.
    logger.flush(() => process.exit(code));
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));

  await app.listen(env.PORT, '0.0.0.0');
  const address = app.getHttpServer().address() as { port: number };
  logger.info({ port: address.port, docs: '/docs', metrics: '/metrics' }, 'listening');
}
