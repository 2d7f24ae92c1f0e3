import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

import { LogLevel } from '../config';
import { Correlation } from './correlation';

/** One JSON object per line on stdout, each stamped with the service and the current correlation id. */
export function createJsonLogger(service: string, level: LogLevel): Logger {
  return pino({
    level,
    base: { service },
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const correlationId = Correlation.id();
      return correlationId === undefined ? {} : { correlationId };
    },
  });
}

/** Nest's logger interface over pino, so framework and application lines share one format. */
export class JsonLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  /** Nest passes `(message, ...extra, context)`; an error's stack arrives as a string before the context. */
  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, params: unknown[]) {
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    if (level === 'error' && typeof params[0] === 'string') fields.stack = params.shift();
    if (params.length > 0) fields.details = params;
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...message });
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
