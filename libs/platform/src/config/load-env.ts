import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';

import { isSecret } from './env.decorators';

type EnvClass<T> = new () => T;

/** One bad variable: its name, what it was (masked if secret) and every constraint it broke. */
export interface EnvProblem {
  variable: string;
  value: string | undefined;
  problems: string[];
}

export class InvalidEnvError extends Error {
  constructor(readonly problems: EnvProblem[]) {
    super(
      `Invalid configuration (${problems.length} variable${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.variable}=${p.value ?? '<unset>'}: ${p.problems.join('; ')}`).join('\n'),
    );
    this.name = 'InvalidEnvError';
  }
}

/** Every variable a config class declares, in declaration order (the compose file is checked against it). */
export function envVariableNames(cls: EnvClass<object>): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

/**
 * Reads, converts and validates the variables `cls` declares, once, at startup. Fails with the
 * whole list of bad variables rather than the first, so one restart fixes them all.
 */
export function loadEnv<T extends object>(cls: EnvClass<T>, source: NodeJS.ProcessEnv = process.env): T {
  const declared = envVariableNames(cls);
  const plain = Object.fromEntries(declared.filter((name) => source[name] !== undefined && source[name] !== '').map((name) => [name, source[name]]));
  const env = plainToInstance(cls, plain);
  const errors = validateSync(env, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new InvalidEnvError(errors.map((error) => toProblem(env, error, source)));
  }
  return Object.freeze(env);
}

function toProblem(env: object, error: ValidationError, source: NodeJS.ProcessEnv): EnvProblem {
  const raw = source[error.property];
  return {
    variable: error.property,
    value: raw === undefined || raw === '' ? undefined : isSecret(env, error.property) ? '***' : raw,
    problems: Object.values(error.constraints ?? {}),
  };
}
