/**
 * Benchmarks publish their figures into one markdown file (docs/benchmarks.md), each bench owning
 * the section between `<!-- bench:<id> -->` and `<!-- /bench:<id> -->`: a re-run replaces its own
 * section and leaves the others, and every section says on what machine, when and with which
 * command its figures were taken, since figures without those are not comparable.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface MachineDescription {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export interface BenchmarkSection {
  /** Marker id, `[a-z0-9-]+`: `core-ml`, `native-gpu`. */
  id: string;
  /** The section's heading. */
  title: string;
  /** How to reproduce the figures: `npm run bench:core-ml`. */
  command: string;
  /** Markdown: the tables and notes. */
  body: string;
}

const DOCUMENT_HEAD = '# Benchmarks\n\nEach section is written by its bench script; edit outside the `<!-- bench:… -->` markers only.\n';
const ID = /^[a-z0-9][a-z0-9-]*$/;

export function describeMachine(): MachineDescription {
  return {
    cpu: os.cpus()[0]?.model.trim() || 'unknown CPU',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export function renderBenchmarkSection(section: BenchmarkSection, machine: MachineDescription, takenAt: Date): string {
  const [start, end] = markers(section.id);
  if (section.body.includes(start) || section.body.includes(end)) {
    throw new Error(`body: contains the section's own marker (${start} or ${end})`);
  }
  return [
    start,
    `## ${section.title}`,
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory, ${machine.platform}`,
    `- Node: ${machine.node}`,
    `- Date: ${takenAt.toISOString().slice(0, 10)}`,
    `- Command: \`${section.command}\``,
    '',
    section.body.trim(),
    end,
  ].join('\n');
}

/** The document with the section `id` replaced by `rendered`, or `rendered` appended when absent. */
export function upsertBenchmarkSection(document: string, id: string, rendered: string): string {
  const [start, end] = markers(id);
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from === -1 && to === -1) {
    const head = document.trim() === '' ? DOCUMENT_HEAD : document.replace(/\s*$/, '\n');
    return `${head}\n${rendered}\n`;
  }
  if (from === -1 || to === -1 || to < from) {
    throw new Error(`benchmark section '${id}': markers ${start} … ${end} are incomplete or out of order; fix them by hand`);
  }
  return document.slice(0, from) + rendered + document.slice(to + end.length);
}

/** The command that ran a bench script as the docs show it: `npm run <script>`, then `-- <args>` when it had any. */
export function benchCommand(script: string, argv: readonly string[]): string {
  return ['npm run', script, ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
}

/** Writes the section into `file` (created with its folder if missing), by rename so readers never see half a file. */
export async function writeBenchmarkSection(
  file: string,
  section: BenchmarkSection,
  taken: { machine?: MachineDescription; at?: Date } = {},
): Promise<void> {
  const rendered = renderBenchmarkSection(section, taken.machine ?? describeMachine(), taken.at ?? new Date());
  const current = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, upsertBenchmarkSection(current, section.id, rendered));
  await fs.rename(temporary, file);
}

function markers(id: string): [string, string] {
  if (!ID.test(id)) throw new RangeError(`id: expected [a-z0-9-]+, got '${id}'`);
  return [`<!-- bench:${id} -->`, `<!-- /bench:${id} -->`];
}
