/** The shipped inspector model: the highest version under models/inspector/. */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../models/inspector');

export function inspectorModelDir(): string {
  const versions = fs.readdirSync(ROOT).filter((name) => /^\d+$/.test(name)).map(Number);
  if (versions.length === 0) throw new Error(`no model version under ${ROOT}`);
  return path.join(ROOT, String(Math.max(...versions)));
}
