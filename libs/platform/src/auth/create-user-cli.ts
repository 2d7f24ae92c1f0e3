#!/usr/bin/env node
/**
 * Creates a user of one service, typically the first admin (`npm run user:create -- ...`):
 *   node libs/platform/dist/auth/create-user-cli.js --service risk-api|defect-inspector --username NAME --role ROLE [--if-no-admin]
 * Reads DATABASE_URL, and the password from VIGIL_PASSWORD or stdin (never from the arguments,
 * which other users of the machine can see). --if-no-admin creates nothing when the service
 * already has an enabled admin. Prints "created ..." or "unchanged ..."; exits 2 on bad usage,
 * 1 on any other failure.
 */
import { parseArgs } from 'node:util';

import { AuthException } from './auth.exception';
import { createUser, SERVICE_SCHEMAS, ServiceName } from './create-user';
import { PASSWORD_MIN_LENGTH, USERNAME_PATTERN } from './dto/user.dto';
import { isRole, SERVICE_ROLES } from './roles';

const USAGE =
  'usage: create-user --service risk-api|defect-inspector --username NAME --role ROLE [--if-no-admin]\n' +
  '       (reads DATABASE_URL; the password from VIGIL_PASSWORD or stdin)';

class UsageError extends Error {}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { service: { type: 'string' }, username: { type: 'string' }, role: { type: 'string' }, 'if-no-admin': { type: 'boolean', default: false } },
  });
  const { service, username, role } = values;
  const databaseUrl = process.env.DATABASE_URL;
  if (service === undefined || !(service in SERVICE_SCHEMAS)) throw new UsageError('--service must be risk-api or defect-inspector');
  const roles: readonly string[] = SERVICE_ROLES[SERVICE_SCHEMAS[service as ServiceName]];
  if (!isRole(role) || !roles.includes(role)) throw new UsageError(`--role must be one of ${roles.join(', ')} for ${service}`);
  if (username === undefined || !USERNAME_PATTERN.test(username)) throw new UsageError(`--username must match ${USERNAME_PATTERN.source}`);
  if (!databaseUrl) throw new UsageError('DATABASE_URL is not set');
  const password = process.env.VIGIL_PASSWORD || (await readPassword());
  if (password.length < PASSWORD_MIN_LENGTH) throw new UsageError(`the password must have at least ${PASSWORD_MIN_LENGTH} characters`);

  const outcome = await createUser({ databaseUrl, service: service as ServiceName, username, password, role, ifNoAdmin: values['if-no-admin'] });
  if (outcome.created) {
    console.log(`created ${outcome.user.role} ${outcome.user.username} (${outcome.user.id}) in ${service}`);
  } else {
    console.log(`unchanged: ${service} already has an enabled admin`);
  }
  return 0;
}

/** The first line of stdin; typed without echo when stdin is a terminal. */
async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += (chunk as Buffer).toString('utf8');
    return text.split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write('password: ');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') return finish(new UsageError('no password given'));
        typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    const message = error instanceof AuthException ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`create-user failed: ${message}\n`);
    process.exit(1);
  },
);
