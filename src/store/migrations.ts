/**
 * Schema migrations for every store, run with Umzug. Migrations are
 * numbered `.sql` files in each store's `migrations/` folder: append-only,
 * never edited or reordered. Each store supplies how to run SQL and where
 * its ledger lives; the store also takes the lock that makes concurrent
 * starts safe (one transaction for SQLite, an advisory lock for
 * PostgreSQL).
 */
import { readdirSync, readFileSync } from "node:fs";
import { Umzug, type UmzugStorage } from "umzug";

/** How one store runs migration SQL and keeps its ledger. */
export interface MigrationTarget {
  /** Runs a migration file's SQL (several statements). */
  execute(sql: string): Promise<void>;
  /** Names of the migrations already applied, in order. */
  applied(): Promise<string[]>;
  /** Records that a migration was applied. */
  record(name: string): Promise<void>;
}

/** The migration files of a store, sorted by name. */
export function migrationFiles(dir: URL): { name: string; sql: string }[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => ({
      name: file.replace(/\.sql$/u, ""),
      sql: readFileSync(new URL(file, dir), "utf8"),
    }));
}

/**
 * Applies the pending migrations of `dir` to `target`. Refuses a database
 * that has migrations this version does not know: it was migrated by a
 * newer Corndogs, and running against it could corrupt tasks.
 */
export async function migrate(
  dir: URL,
  target: MigrationTarget,
  rewrite: (sql: string) => string = (sql) => sql,
): Promise<string[]> {
  const files = migrationFiles(dir);
  const known = new Set(files.map((file) => file.name));
  const unknown = (await target.applied()).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `database schema has migrations this Corndogs does not know ` +
        `(${unknown.join(", ")}): upgrade Corndogs instead`,
    );
  }

  const storage: UmzugStorage = {
    executed: () => target.applied(),
    logMigration: ({ name }) => target.record(name),
    unlogMigration: () => {
      throw new Error("Corndogs migrations are never reverted");
    },
  };
  const umzug = new Umzug({
    migrations: files.map(({ name, sql }) => ({
      name,
      up: () => target.execute(rewrite(sql)),
    })),
    storage,
    logger: undefined,
  });
  const done = await umzug.up();
  return done.map((migration) => migration.name);
}

/** How many migrations a store's folder holds. */
export function expectedMigrations(dir: URL): number {
  return migrationFiles(dir).length;
}
