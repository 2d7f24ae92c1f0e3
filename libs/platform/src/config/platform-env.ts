import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';

import { Secret } from './env.decorators';

const toBoolean = ({ value }: { value: unknown }) => (typeof value === 'string' ? ['1', 'true', 'yes'].includes(value.toLowerCase()) : value);
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter((item) => item.length > 0) : value;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** Variables both services read. Each app extends it with its own (apps/<app>/src/config/env.ts). */
export class PlatformEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** postgres://user:password@host:port/database */
  @Secret()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Comma-separated host:port list. */
  @Transform(toList)
  @Matches(/^[^\s:,]+:\d{1,5}$/, { each: true, message: 'must be a comma-separated list of host:port' })
  @IsNotEmpty()
  KAFKA_BROKERS!: string[];

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  KAFKA_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  KAFKA_GROUP_ID?: string;

  @Transform(toBoolean)
  @IsBoolean()
  KAFKA_SSL = false;

  @IsOptional()
  @IsIn(SASL_MECHANISMS)
  KAFKA_SASL_MECHANISM?: (typeof SASL_MECHANISMS)[number];

  @ValidateIf((env: PlatformEnv) => env.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'is required when KAFKA_SASL_MECHANISM is set' })
  KAFKA_SASL_USERNAME?: string;

  @Secret()
  @ValidateIf((env: PlatformEnv) => env.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'is required when KAFKA_SASL_MECHANISM is set' })
  KAFKA_SASL_PASSWORD?: string;

  /**
   * How long the group waits for a silent consumer (a crashed process) before handing its
   * partitions to another. Lower means faster failover and more spurious rebalances.
   */
  @Type(() => Number)
  @IsInt()
  @Min(3_000)
  @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS = 30_000;

  /**
   * How long a fetch may wait at the broker for data before answering empty. Kafka answers as soon
   * as data arrives; the development broker always waits the full time, so it runs with a low value.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30_000)
  KAFKA_FETCH_MAX_WAIT_MS = 500;

  /**
   * Signs and checks the service's bearer tokens (HS256). At least 32 characters of randomness:
   * `openssl rand -base64 48`. Rotating it logs everyone out.
   */
  @Secret()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (openssl rand -base64 48)' })
  JWT_SECRET!: string;

  /** How long a token from POST /auth/token stays valid. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(86_400)
  JWT_TTL_SECONDS = 3600;

  /** Where trained model versions live (`<name>/<version>/`, see libs/core-ml registry); default `<repo>/models`. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  MODELS_DIR?: string;

  /** How long a SIGTERM waits for in-flight work before the process gives up and exits. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 15_000;
}
