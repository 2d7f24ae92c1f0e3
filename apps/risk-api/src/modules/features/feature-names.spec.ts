import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { FEATURE_GROUPS, FEATURE_NAMES } from './feature-names';

const DOCS = join(__dirname, '..', '..', '..', '..', '..', 'docs', 'features.md');

/** The first cell of every table row that names a feature: | `orig_count_1h` | ... */
function documentedNames(markdown: string): string[] {
  return [...markdown.matchAll(/^\|\s*`([a-z0-9_]+)`\s*\|/gm)].map((match) => match[1]);
}

describe('FEATURE_NAMES', () => {
  it('are exactly the features docs/features.md documents, in the same order', () => {
    // Prepare
    const markdown = readFileSync(DOCS, 'utf8');

    // Act
    const documented = documentedNames(markdown);

    // Assert
    expect(documented).toEqual(FEATURE_NAMES);
  });

  it('are at least 50 unique names of the form <key>_<what>', () => {
    expect(FEATURE_NAMES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_NAMES.length);
    for (const name of FEATURE_NAMES) expect(name).toMatch(/^(orig|bene|device|ip|pair|tx)_[a-z0-9]+(_[a-z0-9]+)*$/);
  });

  it('list the groups in order', () => {
    expect(FEATURE_NAMES).toEqual(Object.values(FEATURE_GROUPS).flat());
  });
});
