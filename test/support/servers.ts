/**
 * Real Corndogs servers for tests: in-process on ephemeral ports, or as
 * child processes running the `corndogs serve` command.
 */
import {
  spawn,
  type ChildProcess,
  type ChildProcessByStdio,
} from "node:child_process";
import type { Readable } from "node:stream";
import { once } from "node:events";
import { createServer } from "node:net";
import type { ServeSettings } from "../../src/config/settings.js";
import { createLogger } from "../../src/log.js";
import { startServer, type RunningServer } from "../../src/server/serve.js";
import {
  createCorndogsClient,
  type CorndogsClient,
} from "../../src/client/client.js";
import {
  createTestDatabase,
  type StoreKind,
  type TestDatabase,
} from "./databases.js";

export const REPO_ROOT = new URL("../../", import.meta.url).pathname;

/** Payload limit of test servers, small so over-limit cases stay cheap. */
export const TEST_MAX_PAYLOAD = 64 * 1024;

/** An in-process server with its own fresh database. */
export interface TestServer {
  server: RunningServer;
  database: TestDatabase;
  baseUrl: string;
  opsUrl: string;
  client(protocol?: "grpc" | "json"): CorndogsClient;
  stop(): Promise<void>;
}

/** Settings for a test server on `databaseUrl`, with overrides. */
export function testSettings(
  databaseUrl: string,
  overrides: Partial<ServeSettings> = {},
): ServeSettings {
  return {
    databaseUrl,
    listen: { host: "127.0.0.1", port: 0 },
    httpListen: { host: "127.0.0.1", port: 0 },
    maxPayloadBytes: TEST_MAX_PAYLOAD,
    sweepIntervalMs: 100,
    shutdownGraceMs: 2000,
    logLevel: "silent",
    pgNotify: true,
    pgPrepare: true,
    stats: true,
    statsFlushMs: 1000,
    maintenanceIntervalMs: 10_000,
    archiveRetentionHours: 168,
    historyRetentionHours: 744,
    metricsMaxQueues: 200,
    ...overrides,
  };
}

/** Starts a server on a fresh database of `kind`. */
export async function startTestServer(
  kind: StoreKind,
  overrides: Partial<ServeSettings> = {},
): Promise<TestServer> {
  const database = await createTestDatabase(kind);
  const settings = testSettings(database.url, overrides);
  const server = await startServer(settings, createLogger(settings.logLevel));
  const baseUrl = `http://127.0.0.1:${server.apiPort}`;
  return {
    server,
    database,
    baseUrl,
    opsUrl: `http://127.0.0.1:${server.opsPort}`,
    client: (protocol = "grpc") => createCorndogsClient({ baseUrl, protocol }),
    async stop() {
      await server.close();
      await database.drop();
    },
  };
}

/** A `corndogs serve` child process. */
export interface ServerProcess {
  child: ChildProcess;
  apiPort: number;
  opsPort: number;
  baseUrl: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * Runs `corndogs serve` from the sources with the given environment and
 * waits until it logs that it is listening.
 */
export async function spawnServer(
  env: Record<string, string>,
  args: string[] = [],
): Promise<ServerProcess> {
  // The "listening" line below is logged at info.
  const child = spawnServe({ CORNDOGS_LOG_LEVEL: "info", ...env }, args);
  let output = "";
  let listeningTimer: NodeJS.Timeout | undefined;
  const listening = new Promise<{ api_port: number; ops_port: number }>(
    (resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        for (const line of output.split("\n")) {
          if (line.includes('"server: listening"')) {
            resolve(JSON.parse(line) as { api_port: number; ops_port: number });
          }
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.once("exit", (code) =>
        reject(
          new Error(`server exited with ${code} before listening:\n${output}`),
        ),
      );
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`server did not listen within 30 s:\n${output}`));
      }, 30_000);
      child.stdout.once("close", () => clearTimeout(timer));
      listeningTimer = timer;
    },
  );
  const ports = await listening.finally(() => clearTimeout(listeningTimer));
  return {
    child,
    apiPort: ports.api_port,
    opsPort: ports.ops_port,
    baseUrl: `http://127.0.0.1:${ports.api_port}`,
    output: () => output,
  };
}

/** Sends `signal` and resolves with the exit code. */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = once(child, "exit");
  child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

/** A TCP port free on 127.0.0.1 right now, for a server that restarts on it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") {
    throw new Error("no free port");
  }
  return address.port;
}

/**
 * Starts `corndogs serve` from the sources on ephemeral ports (unless
 * `env` says otherwise), its output piped.
 */
function spawnServe(
  env: Record<string, string>,
  args: string[],
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "serve", ...args],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CORNDOGS_LISTEN: "127.0.0.1:0",
        CORNDOGS_HTTP_LISTEN: "127.0.0.1:0",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

/** What a `corndogs serve` that refused to start printed, and its exit code. */
export interface RefusedStart {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `corndogs serve` from the sources, expecting it to refuse to start. */
export async function refusedServe(
  env: Record<string, string>,
  args: string[] = [],
): Promise<RefusedStart> {
  const child = spawnServe(env, args);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number];
  return { code, stdout, stderr };
}

/** An HTTP/JSON answer: its status and parsed body. */
export interface JsonAnswer {
  status: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON bodies
}

/** POSTs `body` (sent as given) to a CorndogsService method over HTTP/1.1 JSON. */
export async function postJson(
  baseUrl: string,
  method: string,
  body: string,
): Promise<JsonAnswer> {
  const response = await fetch(
    `${baseUrl}/corndogs.v1alpha1.CorndogsService/${method}`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    },
  );
  return { status: response.status, json: await response.json() };
}
