/**
 * `corndogs migrate`: creates or upgrades the schema of a store directly
 * (no server involved), and prints which migrations this run applied (or
 * that the schema was already current) and the schema status.
 */
import { Command, Option } from "commander";
import { SettingError, SERVE_SETTINGS } from "../config/settings.js";
import { migrationFiles } from "../store/migrations.js";
import type { SchemaStatus, TaskStore } from "../store/store.js";
import { run } from "./client-command.js";
import { keyValues, say } from "./print.js";

interface MigrateFlags {
  databaseUrl: string;
  json?: boolean;
}

/** The `migrate` command. */
export function migrateCommand(): Command {
  const spec = SERVE_SETTINGS.databaseUrl;
  return new Command("migrate")
    .description(
      "create or upgrade the store's schema; say what was applied, " +
        "then show its status",
    )
    .addOption(
      new Option(`${spec.flag} <url>`, spec.description)
        .env(spec.env)
        .default(spec.defaultValue),
    )
    .option("--json", "print the status as JSON")
    .action((flags: MigrateFlags, cmd: Command) =>
      run(async () => {
        const source =
          cmd.getOptionValueSource("databaseUrl") === "env"
            ? spec.env
            : spec.flag;
        let url: string;
        try {
          url = spec.parse(flags.databaseUrl, source);
        } catch (err) {
          if (err instanceof SettingError)
            cmd.error(`corndogs: ${err.message}`);
          throw err;
        }
        await migrate(url, flags.json === true);
      }),
    );
}

async function migrate(url: string, json: boolean): Promise<void> {
  // Loaded here so that client commands never load database drivers.
  const { openStore, redact } = await import("../store/open-store.js");
  const store = openStore(url);
  try {
    const before = await appliedBefore(store);
    await store.migrate();
    const status = await store.schemaStatus();
    const appliedNow = migrationNames(store.kind, before, status);
    if (json) {
      say(JSON.stringify({ store: store.kind, ...status, appliedNow }));
      return;
    }
    say(
      keyValues([
        ["store", `${store.kind} (${redact(url)})`],
        ["schema", status.current ? "current" : "not current"],
        ["migrations", `${status.applied} of ${status.expected} applied`],
        [
          "this run",
          appliedNow.length === 0
            ? "nothing to apply: the schema was already current"
            : `applied ${appliedNow.join(", ")}`,
        ],
      ]),
    );
  } finally {
    await store.close();
  }
}

/**
 * How many migrations the store had before this run. A store that cannot
 * tell (a new SQLite file has no ledger table yet) had none; any other
 * trouble shows again, with its real cause, when migrating.
 */
async function appliedBefore(store: TaskStore): Promise<number> {
  try {
    return (await store.schemaStatus()).applied;
  } catch {
    return 0;
  }
}

/**
 * The names of the migrations applied between `before` and `after`.
 * Migrations are append-only and applied in name order, so they are the
 * store's migration files from number `before` to number `after`. (If
 * another process migrated the same store in between, they are named
 * here although it applied them.)
 */
function migrationNames(
  kind: string,
  before: number,
  after: SchemaStatus,
): string[] {
  // The same folder the store itself reads, next to the compiled code.
  const dir = new URL(`../store/${kind}/migrations/`, import.meta.url);
  return migrationFiles(dir)
    .slice(before, after.applied)
    .map((file) => file.name);
}
