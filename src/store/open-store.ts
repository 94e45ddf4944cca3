/**
 * Picks and creates the store a URL names (SPEC §5):
 * `sqlite:PATH`, `sqlite::memory:`, `postgres://…`, `postgresql://…` and
 * `cockroachdb://…`. PostgreSQL URLs may carry `?schema=NAME` (default
 * `corndogs`), the schema that holds Corndogs' tables.
 */
import { redactUrl, sqlitePath } from "../config/settings.js";
import { PostgresStore } from "./postgres/postgres-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { TaskStore } from "./store.js";

/** Default PostgreSQL schema for Corndogs' tables. */
export const DEFAULT_SCHEMA = "corndogs";

/** Store options that are not part of the URL. */
export interface StoreOptions {
  /** PostgreSQL: prepare the task statements (default true). */
  prepare?: boolean;
}

/** Creates the store for `url`; call `migrate()` before using it. */
export function openStore(url: string, options: StoreOptions = {}): TaskStore {
  if (url.startsWith("sqlite:")) {
    const path = sqlitePath(url);
    if (path === "") throw new Error(`sqlite URL needs a path: ${url}`);
    return new SqliteStore(path);
  }
  const match = /^(postgres|postgresql|cockroachdb):\/\//u.exec(url);
  if (!match) {
    throw new Error(
      `unsupported database URL scheme in ${redact(url)}: use sqlite:, ` +
        `postgres://, postgresql:// or cockroachdb://`,
    );
  }
  const parsed = new URL(url.replace(/^cockroachdb:/u, "postgresql:"));
  const schema = parsed.searchParams.get("schema") ?? DEFAULT_SCHEMA;
  parsed.searchParams.delete("schema");
  return new PostgresStore({
    connectionString: parsed.toString(),
    schema,
    prepare: options.prepare,
  });
}

/** The URL without its password, for messages and logs. */
export const redact = redactUrl;
