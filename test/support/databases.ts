/**
 * Test databases: a fresh SQLite file, or a fresh schema in the PostgreSQL
 * named by CORNDOGS_TEST_DATABASE_URL (default: the local server). A
 * PostgreSQL that cannot be reached fails the tests; it is never skipped.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export type StoreKind = "sqlite" | "postgres";

/** A database for one test server, and how to throw it away. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** The PostgreSQL server the tests use. */
export const POSTGRES_URL =
  process.env.CORNDOGS_TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

/** Creates an empty database of the given kind. */
export async function createTestDatabase(
  kind: StoreKind,
): Promise<TestDatabase> {
  return kind === "sqlite" ? sqliteDatabase() : postgresDatabase();
}

function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), "corndogs-test-"));
  return {
    url: `sqlite:${join(dir, "corndogs.db")}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresDatabase(): Promise<TestDatabase> {
  const schema = `test_${randomBytes(6).toString("hex")}`;
  await checkPostgres();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("schema", schema);
  return {
    url: url.toString(),
    drop: async () => {
      await withPostgres((client) =>
        client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
      );
    },
  };
}

/** Fails with a clear message when the test PostgreSQL is unreachable. */
async function checkPostgres() {
  try {
    await withPostgres((client) => client.query("SELECT 1"));
  } catch (err) {
    throw new Error(
      `PostgreSQL at ${POSTGRES_URL} is unreachable; start it or set ` +
        `CORNDOGS_TEST_DATABASE_URL (${String(err)})`,
    );
  }
}

/** Runs `fn` with a connected client to the test PostgreSQL. */
export async function withPostgres<T>(
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
