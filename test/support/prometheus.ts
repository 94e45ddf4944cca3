/**
 * Reads a `/metrics` page with a real Prometheus text-format parser
 * (parse-prometheus-text-format) and finds samples in it.
 */
// @ts-expect-error -- the parser ships no type declarations
import parsePrometheusTextFormat from "parse-prometheus-text-format";

interface Sample {
  value?: string;
  count?: string;
  labels?: Record<string, string>;
}

interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}

/** A parsed metrics page, and its text. */
export interface Scrape {
  families: Family[];
  text: string;
}

/** Fetches and parses the metrics page at `opsUrl`. */
export async function scrape(opsUrl: string): Promise<Scrape> {
  const response = await fetch(`${opsUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics: ${response.status}`);
  const text = await response.text();
  const parse = parsePrometheusTextFormat as (text: string) => Family[];
  return { families: parse(text), text };
}

/**
 * The observation count of a labelled histogram. The parser loses the
 * labels of histogram series, so this reads the `_count` line itself.
 */
export function histogramCount(
  { text }: Scrape,
  name: string,
  labels: string,
): number | undefined {
  const line = `${name}_count{${labels}} `;
  const found = text.split("\n").find((l) => l.startsWith(line));
  return found === undefined ? undefined : Number(found.slice(line.length));
}

/** The value of the sample of `name` whose labels include `labels`. */
export function sampleValue(
  { families }: Scrape,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
  if (sample === undefined) return undefined;
  return Number(sample.value ?? sample.count);
}
