// Wrapping a selection in an annotation tag, `[selection]{type}`. Pure: it works on the
// selected text and says which offsets to replace.

/** The entity types of the default schema (docs/format.md §3), with what each is for. */
export const ENTITY_TYPES: ReadonlyArray<{ type: string; description: string }> = [
  { type: 'org', description: 'ministries, agencies, companies, international organisations, committees' },
  { type: 'person', description: "a person's name, without title" },
  { type: 'place', description: 'countries, cities, regions, blocs used as places' },
  { type: 'agreement', description: 'treaties, FTAs, MOUs, deals, laws, regulations, mechanisms' },
  { type: 'event', description: 'named meetings, summits, forums, negotiation rounds' },
  { type: 'date', description: 'temporal expressions' },
  { type: 'money', description: 'amounts with currency' },
  { type: 'percent', description: 'percentages' },
];

const TYPE_NAME = /^[a-z][a-z0-9_-]*$/;

export interface TagEdit {
  /** Offsets into the selected text of the part that is replaced. */
  start: number;
  end: number;
  replacement: string;
}

/**
 * The edit that tags `selected` as `type`. Blanks around the selection stay outside the
 * tag; a selection that is empty, spans lines (tags lie within one line) or has an
 * invalid type name gives an error message instead.
 */
export function tagEdit(selected: string, type: string): TagEdit | { error: string } {
  if (!TYPE_NAME.test(type)) {
    return { error: `\`${type}\` is not a type name (lower case letters, digits, - and _)` };
  }
  const start = selected.length - selected.trimStart().length;
  const end = selected.trimEnd().length;
  if (end <= start) {
    return { error: 'select the text to tag first' };
  }
  const span = selected.slice(start, end);
  if (/[\r\n]/.test(span)) {
    return { error: 'a tag lies within one line; select text on a single line' };
  }
  return { start, end, replacement: `[${span}]{${type}}` };
}
