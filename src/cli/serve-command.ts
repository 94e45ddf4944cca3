/**
 * `corndogs serve`: runs the server until SIGTERM or SIGINT, then shuts
 * down gracefully and exits 0. Settings come from flags, then environment
 * variables, then defaults (src/config/settings.ts).
 */
import { Command, Option } from "commander";
import {
  SERVE_SETTINGS,
  SettingError,
  type ServeSettings,
} from "../config/settings.js";
import { createLogger } from "../log.js";

export function serveCommand(): Command {
  const command = new Command("serve").description(
    "run the Corndogs server (API and ops ports)",
  );
  // Each flag's camelCase name is its settings key (--log-level → logLevel).
  for (const spec of Object.values(SERVE_SETTINGS)) {
    command.addOption(
      new Option(`${spec.flag} <value>`, spec.description)
        .env(spec.env)
        .default(spec.defaultValue),
    );
  }
  return command.action(async (raw: Record<string, string>, cmd: Command) => {
    const settings = parseSettings(raw, cmd);
    await serve(settings);
  });
}

/** Validates every setting, naming the variable or flag it came from. */
function parseSettings(raw: Record<string, string>, cmd: Command) {
  const settings: Record<string, unknown> = {};
  try {
    for (const [key, spec] of Object.entries(SERVE_SETTINGS)) {
      const value = raw[key] ?? spec.defaultValue;
      const source =
        cmd.getOptionValueSource(key) === "env" ? spec.env : spec.flag;
      settings[key] = spec.parse(value, source);
    }
  } catch (err) {
    if (err instanceof SettingError) cmd.error(`corndogs: ${err.message}`);
    throw err;
  }
  return settings as unknown as ServeSettings;
}

async function serve(settings: ServeSettings) {
  const log = createLogger(settings.logLevel);
  let server;
  try {
    // Loaded here so that client commands never load the server.
    const { startServer } = await import("../server/serve.js");
    server = await startServer(settings, log);
  } catch (err) {
    // The message names the setting at fault; the error keeps the stack.
    const reason = err instanceof Error ? err.message : String(err);
    log.fatal({ err }, `server: could not start: ${reason}`);
    process.exit(1);
  }
  const running = server;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "server: shutting down");
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "server: shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}
