import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  benchCommand,
  type BenchmarkSection,
  describeMachine,
  type MachineDescription,
  renderBenchmarkSection,
  upsertBenchmarkSection,
  writeBenchmarkSection,
} from './benchmark-report';

const machine: MachineDescription = { cpu: 'Test CPU 9000', cores: 2, memoryGiB: 23.4, node: 'v20.0.0', platform: 'linux x64' };
const at = new Date('2026-03-04T05:06:07Z');
const section = (id: string, body: string): BenchmarkSection => ({ id, title: `Bench ${id}`, command: `npm run bench:${id}`, body });

describe('benchmark report', () => {
  describe(renderBenchmarkSection.name, () => {
    it('frames the body with its markers and names the machine, Node, date and command', () => {
      // Act
      const rendered = renderBenchmarkSection(section('core-ml', '| a |\n|---|\n| 1 |\n'), machine, at);

      // Assert
      expect(rendered).toBe(
        [
          '<!-- bench:core-ml -->',
          '## Bench core-ml',
          '',
          '- Machine: Test CPU 9000, 2 cores, 23.4 GiB memory, linux x64',
          '- Node: v20.0.0',
          '- Date: 2026-03-04',
          '- Command: `npm run bench:core-ml`',
          '',
          '| a |\n|---|\n| 1 |',
          '<!-- /bench:core-ml -->',
        ].join('\n'),
      );
    });

    it.each(['', 'Core ML', 'core_ml', '-x'])('refuses the id %p', (id) => {
      expect(() => renderBenchmarkSection(section(id, 'x'), machine, at)).toThrow(/^id: expected \[a-z0-9-\]\+/);
    });

    it('refuses a body holding its own end marker', () => {
      expect(() => renderBenchmarkSection(section('a', 'x\n<!-- /bench:a -->'), machine, at)).toThrow(/^body: /);
    });
  });

  describe(upsertBenchmarkSection.name, () => {
    const a1 = '<!-- bench:a -->\nfirst\n<!-- /bench:a -->';
    const b1 = '<!-- bench:b -->\nother\n<!-- /bench:b -->';

    it('starts an empty document with a heading', () => {
      expect(upsertBenchmarkSection('', 'a', a1)).toMatch(/^# Benchmarks\n\n.*\n\n<!-- bench:a -->\nfirst\n<!-- \/bench:a -->\n$/s);
    });

    it('replaces only its own section, keeping the text around it and the other sections', () => {
      // Prepare
      const document = `# Benchmarks\n\nintro\n\n${a1}\n\n${b1}\n\nfooter\n`;

      // Act
      const updated = upsertBenchmarkSection(document, 'a', '<!-- bench:a -->\nsecond\n<!-- /bench:a -->');

      // Assert
      expect(updated).toBe(`# Benchmarks\n\nintro\n\n<!-- bench:a -->\nsecond\n<!-- /bench:a -->\n\n${b1}\n\nfooter\n`);
    });

    it('appends a section the document does not have yet', () => {
      expect(upsertBenchmarkSection(`# Benchmarks\n\n${a1}\n\n`, 'b', b1)).toBe(`# Benchmarks\n\n${a1}\n\n${b1}\n`);
    });

    it('refuses to guess when a marker is missing', () => {
      expect(() => upsertBenchmarkSection('<!-- bench:a -->\nhalf', 'a', a1)).toThrow(/benchmark section 'a': markers .* incomplete or out of order/);
    });
  });

  describe(writeBenchmarkSection.name, () => {
    let dir: string;

    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-report-'));
    });

    afterEach(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('creates the file, then updates one section in place on the next run', async () => {
      // Prepare
      const file = path.join(dir, 'docs', 'benchmarks.md');

      // Act
      await writeBenchmarkSection(file, section('a', 'one'), { machine, at });
      await writeBenchmarkSection(file, section('b', 'two'), { machine, at });
      await writeBenchmarkSection(file, section('a', 'three'), { machine, at });

      // Assert
      const written = await fs.readFile(file, 'utf8');
      expect(written).toContain('three\n<!-- /bench:a -->');
      expect(written).not.toContain('one');
      expect(written.indexOf('<!-- bench:a -->')).toBeLessThan(written.indexOf('<!-- bench:b -->'));
      expect(await fs.readdir(path.dirname(file))).toEqual(['benchmarks.md']);
    });
  });

  it('describes this machine', () => {
    const described = describeMachine();

    expect(described.cores).toBeGreaterThanOrEqual(1);
    expect(described.memoryGiB).toBeGreaterThan(0);
    expect(described.node).toBe(process.version);
  });
});

describe('benchCommand', () => {
  it('shows the npm script, with its arguments after -- when it had any', () => {
    expect(benchCommand('bench:inspector', [])).toBe('npm run bench:inspector');
    expect(benchCommand('bench:inspector', ['--cameras', '4'])).toBe('npm run bench:inspector -- --cameras 4');
  });
});
