/**
 * Throw-away databases for benchmark runs: a SQLite file in a fresh
 * temporary directory, or a fresh `bench_<random>` schema in PostgreSQL
 * (the store creates it on migrate; drop() removes it with CASCADE).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { StoreKind } from "./config.js";

/** A database for one server, and how to throw it away. */
export interface BenchDatabase {
  kind: StoreKind;
  /** The CORNDOGS_DATABASE_URL to give the server. */
  url: string;
  /** Removes everything; safe to call more than once. */
  drop(): Promise<void>;
}

/** Creates an empty database of `kind`. */
export async function createDatabase(
  kind: StoreKind,
  postgresUrl: string,
): Promise<BenchDatabase> {
  return kind === "sqlite" ? sqliteDatabase() : postgresDatabase(postgresUrl);
}

function sqliteDatabase(): BenchDatabase {
  const dir = mkdtempSync(join(tmpdir(), "corndogs-bench-"));
  return {
    kind: "sqlite",
    url: `sqlite:${join(dir, "corndogs.db")}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresDatabase(postgresUrl: string): Promise<BenchDatabase> {
  const schema = `bench_${randomBytes(6).toString("hex")}`;
  try {
    await withPostgres(postgresUrl, (client) => client.query("SELECT 1"));
  } catch (err) {
    throw new Error(
      `PostgreSQL at ${postgresUrl} is unreachable; start it or set ` +
        `CORNDOGS_BENCH_DATABASE_URL (${String(err)})`,
    );
  }
  const url = new URL(postgresUrl);
  url.searchParams.set("schema", schema);
  return {
    kind: "postgres",
    url: url.toString(),
    drop: async () => {
      await withPostgres(postgresUrl, (client) =>
        client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
      );
    },
  };
}

/** Runs `fn` with a client connected to `url`, then disconnects. */
export async function withPostgres<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
