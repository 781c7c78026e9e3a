// Where a document's tag markup is, read from the semantic tokens the server sends: the
// tokens whose modifiers include `tagSyntax`. Reading mode dims these ranges. Kept free of
// the `vscode` module so unit tests can check the decoding and the delta edits.

/** The modifier the server sets on every token of tag markup (`[`, `]`, `{…}`). */
export const TAG_SYNTAX_MODIFIER = 'tagSyntax';

/** A range on one line, in the document's positions (UTF-16 columns). */
export interface LineRange {
  line: number;
  start: number;
  end: number;
}

/** One edit of a semantic tokens delta: replaces `deleteCount` integers at `start`. */
export interface TokensEdit {
  start: number;
  deleteCount: number;
  data?: ArrayLike<number>;
}

/**
 * The bit of a modifier in the server's legend, or 0 when the legend lacks it (an older
 * server), in which case no token carries it.
 */
export function modifierBit(legend: { tokenModifiers?: readonly string[] } | undefined, modifier: string): number {
  const index = legend?.tokenModifiers?.indexOf(modifier) ?? -1;
  return index >= 0 && index < 32 ? 2 ** index : 0;
}

/**
 * The ranges of the tokens whose modifiers include `bit`, from semantic tokens data
 * (five integers per token, positions relative to the token before), in document order.
 * Adjacent ranges on a line are joined. A trailing incomplete token is ignored.
 */
export function rangesWithModifier(data: ArrayLike<number>, bit: number): LineRange[] {
  const ranges: LineRange[] = [];
  if (bit === 0) {
    return ranges;
  }
  let line = 0;
  let start = 0;
  for (let i = 0; i + 4 < data.length; i += 5) {
    const deltaLine = data[i];
    line += deltaLine;
    start = deltaLine === 0 ? start + data[i + 1] : data[i + 1];
    const length = data[i + 2];
    // The bit is at most 2^31: `>>> 0` keeps the test unsigned.
    if (((data[i + 4] & bit) >>> 0) === 0 || length === 0) {
      continue;
    }
    const last = ranges[ranges.length - 1];
    if (last && last.line === line && last.end === start) {
      last.end = start + length;
    } else {
      ranges.push({ line, start, end: start + length });
    }
  }
  return ranges;
}

/**
 * Applies a semantic tokens delta to the data it was computed against. As LSP specifies,
 * every edit's `start` refers to the previous data, and edits do not overlap. Returns
 * undefined when an edit lies outside the previous data: the delta was computed against
 * another version, so only a full result can be trusted again.
 */
export function applyTokensEdits(previous: ArrayLike<number>, edits: readonly TokensEdit[]): Uint32Array | undefined {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const out: number[] = [];
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at || edit.deleteCount < 0 || edit.start + edit.deleteCount > previous.length) {
      return undefined;
    }
    for (let i = at; i < edit.start; i++) {
      out.push(previous[i]);
    }
    if (edit.data) {
      for (let i = 0; i < edit.data.length; i++) {
        out.push(edit.data[i]);
      }
    }
    at = edit.start + edit.deleteCount;
  }
  for (let i = at; i < previous.length; i++) {
    out.push(previous[i]);
  }
  return Uint32Array.from(out);
}

/**
 * The ranges after tokens for lines `firstLine..=lastLine` arrived (a range request): the
 * ranges on those lines are replaced by the new ones, the others kept.
 */
export function replaceLines(
  ranges: readonly LineRange[],
  firstLine: number,
  lastLine: number,
  fresh: readonly LineRange[],
): LineRange[] {
  const kept = ranges.filter((range) => range.line < firstLine || range.line > lastLine);
  const inside = fresh.filter((range) => range.line >= firstLine && range.line <= lastLine);
  return [...kept, ...inside].sort((a, b) => a.line - b.line || a.start - b.start);
}

/** How many recent results a document keeps for deltas computed against any of them. */
const KEPT_RESULTS = 4;

/**
 * The markup of one document as the semantic tokens of its last full result and later
 * deltas describe it, and of range results that came in between. A few recent results are
 * kept, so that a delta against one the editor chose to keep (when it dropped a later
 * one) still applies.
 */
export class DocumentMarkup {
  private results: Array<{ resultId: string; data: Uint32Array }> = [];
  private current: LineRange[] = [];

  /** The markup ranges to show. */
  get ranges(): readonly LineRange[] {
    return this.current;
  }

  /** A full result: replaces the ranges. */
  full(data: ArrayLike<number>, resultId: string | undefined, bit: number): void {
    const copy = Uint32Array.from(data);
    this.keep(resultId, copy);
    this.current = rangesWithModifier(copy, bit);
  }

  /**
   * A delta against `previousResultId`. Returns false when it cannot be applied (a base
   * no longer kept, or edits outside it); the ranges then stay as they were until the
   * next result that can be read.
   */
  edits(previousResultId: string, edits: readonly TokensEdit[], resultId: string | undefined, bit: number): boolean {
    const base = this.results.find((result) => result.resultId === previousResultId);
    const next = base && applyTokensEdits(base.data, edits);
    if (!next) {
      return false;
    }
    this.keep(resultId, next);
    this.current = rangesWithModifier(next, bit);
    return true;
  }

  /** A range result for lines `firstLine..=lastLine`; the tokens are positioned from the document start. */
  range(firstLine: number, lastLine: number, data: ArrayLike<number>, bit: number): void {
    this.current = replaceLines(this.current, firstLine, lastLine, rangesWithModifier(data, bit));
  }

  private keep(resultId: string | undefined, data: Uint32Array): void {
    if (resultId === undefined) {
      return;
    }
    this.results = [{ resultId, data }, ...this.results.filter((r) => r.resultId !== resultId)].slice(0, KEPT_RESULTS);
  }
}
