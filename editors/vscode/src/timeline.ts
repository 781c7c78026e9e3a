// The server's entity timeline (`accord/entityTimeline`): one entry per article that
// mentions the entity at a position, oldest first. Read defensively and described for the
// tree view; kept free of the `vscode` module so unit tests can check it.

/** The request's method name. */
export const ENTITY_TIMELINE_METHOD = 'accord/entityTimeline';

export interface ProtocolRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface TimelineEntry {
  uri: string;
  range: ProtocolRange;
  title: string;
  /** `YYYY-MM-DD`, or undefined for an undated article. */
  date: string | undefined;
  mentions: number;
}

function isPosition(value: unknown): value is { line: number; character: number } {
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const { line, character } = value as Record<string, unknown>;
  return Number.isInteger(line) && Number.isInteger(character) && (line as number) >= 0 && (character as number) >= 0;
}

function isRange(value: unknown): value is ProtocolRange {
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const { start, end } = value as Record<string, unknown>;
  return isPosition(start) && isPosition(end);
}

/**
 * The entries of a result, in the server's order; entries without a URI or a range are
 * skipped, and a missing title, date or count gets a default.
 */
export function parseTimeline(result: unknown): TimelineEntry[] {
  if (!Array.isArray(result)) {
    return [];
  }
  const entries: TimelineEntry[] = [];
  for (const item of result) {
    if (item === null || typeof item !== 'object') {
      continue;
    }
    const entry = item as Record<string, unknown>;
    if (typeof entry.uri !== 'string' || !isRange(entry.range)) {
      continue;
    }
    entries.push({
      uri: entry.uri,
      range: { start: { ...entry.range.start }, end: { ...entry.range.end } },
      title: typeof entry.title === 'string' && entry.title.trim() !== '' ? entry.title.trim() : '(untitled article)',
      date: typeof entry.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(entry.date) ? entry.date : undefined,
      mentions: typeof entry.mentions === 'number' && Number.isFinite(entry.mentions) ? entry.mentions : 0,
    });
  }
  return entries;
}

/** `2026-03-04 · 3 mentions`, or `undated · 1 mention`. */
export function entryDescription(entry: TimelineEntry): string {
  const count = `${entry.mentions} ${entry.mentions === 1 ? 'mention' : 'mentions'}`;
  return `${entry.date ?? 'undated'} · ${count}`;
}

/** The last segment of a URI's path, decoded: the file name shown in tooltips. */
export function fileName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** The tooltip: the title, then where the first mention is (1-based line). */
export function entryTooltip(entry: TimelineEntry): string {
  return `${entry.title}\n${fileName(entry.uri)}:${entry.range.start.line + 1} · ${entryDescription(entry)}`;
}

/** The view's message under its title: how many articles in how many files, and the order. */
export function timelineSummary(entries: readonly TimelineEntry[]): string {
  const files = new Set(entries.map((entry) => entry.uri)).size;
  const articles = `${entries.length} ${entries.length === 1 ? 'article' : 'articles'}`;
  return `${articles} in ${files} ${files === 1 ? 'file' : 'files'}, oldest first`;
}
