/**
 * What every client command shares: the `--server`, `--protocol` and
 * `--json` options, the client they configure, and error reporting
 * (`corndogs: <code>: <message>` on stderr, exit status 1).
 */
import { Command, Option } from "commander";
import { ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { createCorndogsClient, type CorndogsClient } from "../client/client.js";
import { serverOption } from "./parse.js";

/** The default API address of a local server. */
export const DEFAULT_SERVER = "http://localhost:5080";

/** The options every client command has. */
export interface ClientFlags {
  server: string;
  protocol: "grpc" | "json";
  json?: boolean;
}

/** A new command with the client options added. */
export function clientCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .addOption(
      new Option("--server <url>", "API address of the Corndogs server")
        .env("CORNDOGS_SERVER")
        .default(DEFAULT_SERVER)
        .argParser(serverOption),
    )
    .addOption(
      new Option("--protocol <protocol>", "wire protocol")
        .choices(["grpc", "json"])
        .default("grpc"),
    )
    .option("--json", "print the response as proto3 JSON");
}

/** A client for the server the flags name. */
export function clientFrom(flags: ClientFlags): CorndogsClient {
  return createCorndogsClient({
    baseUrl: flags.server,
    protocol: flags.protocol,
  });
}

/**
 * Runs a command body; an error is printed to stderr as
 * `corndogs: <code>: <message>` (RPC errors) or `corndogs: <message>`,
 * and the exit status becomes 1.
 */
export async function run(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    process.stderr.write(`corndogs: ${describeError(err)}\n`);
    process.exitCode = 1;
  }
}

/** One line describing an error, with the RPC code name if it has one. */
export function describeError(err: unknown): string {
  if (err instanceof ConnectError) {
    return `${codeToString(err.code)}: ${err.rawMessage}`;
  }
  return err instanceof Error ? err.message : String(err);
}
