import { randomUUID } from 'node:crypto';

import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

import { Correlation, JsonLogger } from '../logging';
import { MetricsService } from '../metrics';

export const CORRELATION_HEADER = 'x-request-id';
const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/**
 * Gives each request a correlation id (the caller's `x-request-id` when it is sane, else a new
 * uuid), echoes it back, and records one access-log line and one latency sample when it ends.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: MetricsService,
    private readonly logger: JsonLogger,
  ) {}

  use(req: Request, res: Response, next: NextFunction) {
    const offered = req.header(CORRELATION_HEADER);
    const correlationId = offered !== undefined && ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);
    const started = process.hrtime.bigint();
    Correlation.run(correlationId, () => {
      res.on('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const route = req.route ? `${req.baseUrl}${req.route.path as string}` : 'unmatched';
        this.metrics.httpRequestDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
        Correlation.run(correlationId, () =>
          this.logger.pino.info(
            { http: { method: req.method, path: req.originalUrl, route, status: res.statusCode, durationMs: Math.round(seconds * 1e4) / 10 } },
            'request completed',
          ),
        );
      });
      next();
    });
  }
}
