/**
 * `corndogs migrate`: creates or upgrades the schema of a store directly
 * (no server involved), and prints which migrations this run applied (or
 * that the schema was already current) and the schema status.
 */
import { Command, Option } from "commander";
import { SettingError, SERVE_SETTINGS } from "../config/settings.js";
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
    const appliedNow = await store.migrate();
    const status = await store.schemaStatus();
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
