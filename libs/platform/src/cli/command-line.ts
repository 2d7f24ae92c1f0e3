/** A command line the user got wrong: `runCli` prints it with a hint and exits 2. */
export class UsageError extends Error {}

/** `--name value`, `--name=value` and bare `--switch`es; nothing positional, nothing twice. */
export function parseFlags(argv: readonly string[], flags: readonly string[], switchNames: readonly string[]): { values: Map<string, string>; switches: Set<string> } {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument "${arg}"`);
    const [, name, inline] = match;
    if (switchNames.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      switches.add(name);
      continue;
    }
    if (!flags.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (values.has(name)) throw new UsageError(`--${name} given twice`);
    values.set(name, value);
  }
  return { values, switches };
}

export interface CliProgram<O extends { help: boolean }> {
  command: string;
  usage: string;
  parse(argv: readonly string[]): O;
  /** Works until done or `stopped()`; resolves with a closing line for stderr, if any. */
  run(options: O, stopped: () => boolean): Promise<string | undefined>;
}

/**
 * The shell around a command-line tool: a usage error exits 2 with a hint, `--help` prints the
 * usage, Ctrl-C lets the work stop cleanly, a closed stdout (`| head`) ends quietly, and any
 * other failure exits 1 with its message.
 */
export function runCli<O extends { help: boolean }>(program: CliProgram<O>): void {
  const main = async () => {
    let options: O;
    try {
      options = program.parse(process.argv.slice(2));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`${program.command}: ${error.message}\nRun with --help for the usage.\n`);
      process.exit(2);
    }
    if (options.help) {
      process.stdout.write(program.usage);
      return;
    }
    let stop = false;
    process.once('SIGINT', () => {
      stop = true;
    });
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(0);
    });
    const closing = await program.run(options, () => stop);
    if (closing !== undefined) process.stderr.write(`${program.command}: ${closing}\n`);
  };
  main().catch((error: unknown) => {
    process.stderr.write(`${program.command}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
