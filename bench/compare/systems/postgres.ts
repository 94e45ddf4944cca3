/** PostgreSQL helpers for the systems that keep their state there. */
import { randomBytes } from "node:crypto";
import { withPostgres } from "../../databases.js";

export { withPostgres };

/** A fresh name with `prefix`, e.g. `bench_gw_1a2b3c4d5e6f`. */
export function freshName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** Drops `schema` and everything in it, if it exists. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  await withPostgres(url, (client) =>
    client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  );
}

/** Vacuums and analyzes `table` (after seeding), as autovacuum would. */
export async function vacuumAnalyze(url: string, table: string) {
  await withPostgres(url, (client) => client.query(`VACUUM ANALYZE ${table}`));
}
