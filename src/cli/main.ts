/**
 * The `corndogs` command line: `serve` runs the server and `migrate`
 * prepares a store; every other command is a client of a running server
 * (`--server`, default http://localhost:5080, or CORNDOGS_SERVER).
 */
import { Command } from "commander";
import { cancelCommand } from "./cancel-command.js";
import { completeCommand } from "./complete-command.js";
import { countsCommand } from "./counts-command.js";
import { getCommand } from "./get-command.js";
import { migrateCommand } from "./migrate-command.js";
import { nextCommand } from "./next-command.js";
import { serveCommand } from "./serve-command.js";
import { statsCommand } from "./stats-command.js";
import { submitCommand } from "./submit-command.js";
import { timeoutCommand } from "./timeout-command.js";
import { topCommand } from "./top-command.js";
import { updateCommand } from "./update-command.js";
import { workersCommand } from "./workers-command.js";

const program = new Command("corndogs")
  .description("Corndogs: a background-task state manager")
  .showHelpAfterError();

for (const command of [
  serveCommand(),
  migrateCommand(),
  submitCommand(),
  nextCommand(),
  updateCommand(),
  completeCommand(),
  cancelCommand(),
  getCommand(),
  countsCommand(),
  timeoutCommand(),
  statsCommand(),
  workersCommand(),
  topCommand(),
]) {
  program.addCommand(command.showHelpAfterError("(add --help for usage)"));
}

await program.parseAsync(process.argv);
