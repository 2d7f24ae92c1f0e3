#!/usr/bin/env node
/**
 * The model registry from a shell (root scripts model:list, model:register, model:promote):
 *   node libs/core-ml/dist/registry/model-cli.js list [--name NAME]
 *   node libs/core-ml/dist/registry/model-cli.js register <dir>
 *   node libs/core-ml/dist/registry/model-cli.js promote --name NAME --version N --role champion|shadow
 *   node libs/core-ml/dist/registry/model-cli.js seed   (the models the repository ships; `npm start` runs it)
 * Reads DATABASE_URL and MODELS_DIR (default <repo>/models). Running services notice a promotion
 * within their slot's poll interval. Exits 2 on bad usage, 1 on any other failure.
 */
import { userInfo } from 'node:os';

import { type CliProgram, parseFlags, runCli, UsageError } from '@vigil/platform';
import { Pool } from 'pg';

import { MODEL_NAME } from './model-manifest';
import { LIVE_ROLES, type LiveRole, type ModelRecord, ModelRegistry } from './model-registry';
import { seedShippedModels } from './seed-shipped-models';
import { pgDatabase } from './sql';

const USAGE = `usage: model list [--name NAME]
       model register <artifact-dir>
       model promote --name NAME --version N --role champion|shadow
       model seed      registers every shipped version under MODELS_DIR not registered yet, and
                       makes a name's highest version champion when the name has none
Reads DATABASE_URL (postgres://…) and MODELS_DIR (default <repo>/models; artifact directories must be inside it).
`;

type ModelCommand =
  | { command: 'list'; name?: string; help: boolean }
  | { command: 'register'; dir: string; help: boolean }
  | { command: 'promote'; name: string; version: number; role: LiveRole; help: boolean }
  | { command: 'seed'; help: boolean };

export function parseModelCommand(argv: readonly string[]): ModelCommand {
  if (argv.includes('--help') || argv.includes('-h')) return { command: 'list', help: true };
  const [command, ...rest] = argv;
  switch (command) {
    case 'list': {
      const { values } = parseFlags(rest, ['name'], []);
      return { command, ...(values.has('name') ? { name: modelName(values.get('name') as string) } : {}), help: false };
    }
    case 'register': {
      const [dir, ...extra] = rest;
      if (dir === undefined || dir.startsWith('--')) throw new UsageError('register needs the artifact directory: model register models/risk/3');
      if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
      return { command, dir, help: false };
    }
    case 'promote': {
      const { values } = parseFlags(rest, ['name', 'version', 'role'], []);
      const missing = ['name', 'version', 'role'].filter((flag) => !values.has(flag));
      if (missing.length > 0) throw new UsageError(`promote needs ${missing.map((flag) => `--${flag}`).join(', ')}`);
      const version = Number(values.get('version'));
      if (!(Number.isInteger(version) && version > 0)) throw new UsageError(`--version must be a positive integer, got "${values.get('version')}"`);
      const role = values.get('role') as LiveRole;
      if (!LIVE_ROLES.includes(role)) throw new UsageError(`--role must be champion or shadow, got "${role}"`);
      return { command, name: modelName(values.get('name') as string), version, role, help: false };
    }
    case 'seed':
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
      return { command, help: false };
    default:
      throw new UsageError(command === undefined ? 'a command is needed: list, register, promote or seed' : `unknown command "${command}" (list, register, promote, seed)`);
  }
}

function modelName(name: string): string {
  if (!MODEL_NAME.test(name)) throw new UsageError(`--name must match ${MODEL_NAME.source}, got "${name}"`);
  return name;
}

function describe(model: ModelRecord): string {
  const metrics = Object.entries(model.metrics)
    .map(([key, value]) => `${key}=${Number(value.toPrecision(4))}`)
    .join(' ');
  return `${model.name}@${model.version}  ${model.status.padEnd(9)}  ${model.artifactDir}  sha256:${model.manifestSha256.slice(0, 12)}  ${metrics}`;
}

async function run(options: ModelCommand): Promise<string | undefined> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (postgres://user:password@host:port/database)');
  const pool = new Pool({ connectionString: url, max: 2, application_name: 'model-cli' });
  const registry = new ModelRegistry({ db: pgDatabase(pool), ...(process.env.MODELS_DIR ? { modelsRoot: process.env.MODELS_DIR } : {}) });
  const actor = { username: `cli:${userInfo().username}` };
  try {
    switch (options.command) {
      case 'list': {
        const models = await registry.list(options.name);
        for (const model of models) process.stdout.write(`${describe(model)}\n`);
        return models.length === 0 ? 'no models registered' : undefined;
      }
      case 'register': {
        const model = await registry.register(options.dir, actor);
        process.stdout.write(`${describe(model)}\n`);
        return undefined;
      }
      case 'promote': {
        const promotion = await registry.promote(options.name, options.version, options.role, actor);
        process.stdout.write(`${describe(promotion.model)}\n`);
        if (!promotion.changed) return `unchanged: ${options.name}@${options.version} already is the ${options.role}`;
        return promotion.replaced ? `${options.name}@${promotion.replaced.version} is now ${promotion.replaced.status}` : undefined;
      }
      case 'seed': {
        const { registered, promoted } = await seedShippedModels(registry, actor);
        for (const model of registered) process.stdout.write(`registered ${describe(model)}\n`);
        for (const model of promoted) process.stdout.write(`champion ${model.name}@${model.version}\n`);
        return registered.length + promoted.length === 0 ? 'the shipped models are registered already' : undefined;
      }
    }
  } finally {
    await pool.end();
  }
}

const program: CliProgram<ModelCommand> = { command: 'model', usage: USAGE, parse: parseModelCommand, run: (options) => run(options) };

if (require.main === module) runCli(program);
