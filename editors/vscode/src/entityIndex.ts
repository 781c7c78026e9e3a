// The entity index the server returns for `accord.showEntityIndex`, read defensively and
// rendered as a read-only document.

export interface IndexedEntity {
  key: string;
  type: string;
  name: string;
  mentions: number;
  articles: number;
}

/** The entities in a command result; entries of another shape are skipped. */
export function parseEntityIndex(result: unknown): IndexedEntity[] {
  if (!Array.isArray(result)) {
    return [];
  }
  const entities: IndexedEntity[] = [];
  for (const item of result) {
    if (item === null || typeof item !== 'object') {
      continue;
    }
    const entry = item as Record<string, unknown>;
    if (typeof entry.key !== 'string' || typeof entry.type !== 'string') {
      continue;
    }
    entities.push({
      key: entry.key,
      type: entry.type,
      name: typeof entry.name === 'string' ? entry.name : entry.key,
      mentions: typeof entry.mentions === 'number' ? entry.mentions : 0,
      articles: typeof entry.articles === 'number' ? entry.articles : 0,
    });
  }
  return entities;
}

/** A Markdown table of the entities, most mentioned first, grouped by nothing else. */
export function renderEntityIndex(entities: IndexedEntity[]): string {
  const sorted = [...entities].sort(
    (a, b) => b.mentions - a.mentions || a.type.localeCompare(b.type) || a.key.localeCompare(b.key),
  );
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const lines = [
    `# Entity index (${entities.length} ${entities.length === 1 ? 'entity' : 'entities'})`,
    '',
    '| name | type | key | mentions | articles |',
    '|---|---|---|---:|---:|',
  ];
  for (const entity of sorted) {
    lines.push(
      `| ${cell(entity.name)} | ${cell(entity.type)} | \`${cell(entity.key)}\` | ${entity.mentions} | ${entity.articles} |`,
    );
  }
  return lines.join('\n') + '\n';
}
