/**
 * The tokenizer shared by the stage-1 worker and the workflow test, so
 * that both count exactly the same words.
 *
 * A word is defined on the lowercased text (`String#toLowerCase`) as a
 * maximal run of ASCII letters and digits (`[a-z0-9]`), in which a single
 * apostrophe between two such characters belongs to the word:
 *
 * - `Licensor's` → `licensor's`, `don't` → `don't`, `2.0` → `2`, `0`;
 * - quotes around a word are not part of it: `'w'` → `w`,
 *   `recipients'` → `recipients`;
 * - everything else (spaces, punctuation, hyphens, non-ASCII letters)
 *   separates words: `sub-license` → `sub`, `license`.
 *
 * Words are therefore plain ASCII, and sort the same way in every
 * language (code point order).
 */

/** Matches one word of the lowercased text; see the module comment. */
const WORD = /[a-z0-9]+(?:'[a-z0-9]+)*/g;

/** The words of `text`, in order, lowercased. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** How many times each word occurs in `text`. */
export function countWords(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of tokenize(text)) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** Adds every count of `counts` into `total`, and returns `total`. */
export function addCounts(
  total: Map<string, number>,
  counts: ReadonlyMap<string, number>,
): Map<string, number> {
  for (const [word, count] of counts) {
    total.set(word, (total.get(word) ?? 0) + count);
  }
  return total;
}

/** One line of a word-frequency table. */
export interface WordCount {
  word: string;
  count: number;
}

/**
 * The `n` most frequent words: highest count first, ties in code-point
 * order of the word (the order `stage2_merge.py` uses too).
 */
export function topWords(
  counts: ReadonlyMap<string, number>,
  n: number,
): WordCount[] {
  return [...counts]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || compareCodePoints(a.word, b.word))
    .slice(0, n);
}

/**
 * Orders two words as Python's `<` does. (JavaScript compares UTF-16 code
 * units, Python code points: the same for the ASCII words of this module.)
 */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
