/**
 * Loads the named SQL statements that live as `.sql` files beside each
 * store. Files are read once, when the store is created.
 */
import { readFileSync } from "node:fs";

/**
 * Reads `<name>.sql` from the folder `dir` (a `file:` URL ending in `/`)
 * for every name, applying `rewrite` (for example a schema name).
 */
export function loadSql<Name extends string>(
  dir: URL,
  names: readonly Name[],
  rewrite: (sql: string) => string = (sql) => sql,
): Record<Name, string> {
  const entries = names.map((name) => {
    const text = readFileSync(new URL(`${name}.sql`, dir), "utf8");
    return [name, rewrite(text)] as const;
  });
  return Object.fromEntries(entries) as Record<Name, string>;
}
