/**
 * A real PgBouncer in transaction mode in front of the test PostgreSQL,
 * on a free port, for as long as a test needs it. `.ci/run` installs
 * PgBouncer; a machine without it fails the tests that need it, with a
 * message saying how to install it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  existsSync,
  chmodSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { POSTGRES_URL } from "./databases.js";
import { freePort } from "./servers.js";

export interface PgBouncer {
  /** POSTGRES_URL with its host and port swapped for PgBouncer's. */
  url: string;
  /** Reads a PgBouncer admin console command, e.g. `SHOW CONFIG`. */
  admin(command: string): Promise<Record<string, string>[]>;
  stop(): Promise<void>;
}

const CANDIDATES = [
  process.env.CORNDOGS_TEST_PGBOUNCER,
  "/usr/sbin/pgbouncer",
  "/usr/bin/pgbouncer",
  "/usr/local/bin/pgbouncer",
];

function findPgBouncer(): string {
  const found = CANDIDATES.find((path) => path && existsSync(path));
  if (found === undefined) {
    throw new Error(
      "pgbouncer is not installed (apt-get install pgbouncer, as .ci/run " +
        "does), or set CORNDOGS_TEST_PGBOUNCER to its path",
    );
  }
  return found;
}

/**
 * Starts PgBouncer with `poolSize` server connections, fewer than the
 * store's pool, so consecutive transactions of one client land on
 * different server connections and any reliance on session state shows.
 */
export async function startPgBouncer(poolSize = 2): Promise<PgBouncer> {
  const binary = findPgBouncer();
  const upstream = new URL(POSTGRES_URL);
  const database = upstream.pathname.slice(1);
  const user = decodeURIComponent(upstream.username || "postgres");
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "corndogs-pgbouncer-"));
  // PgBouncer refuses to run as root; as root it runs as postgres, who
  // must be able to read its files.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, "users.txt"), `"${user}" ""\n`, { mode: 0o644 });
  writeFileSync(
    join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `${database} = host=${upstream.hostname} port=${upstream.port || 5432} dbname=${database}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${join(dir, "users.txt")}`,
      `admin_users = ${user}`,
      "pool_mode = transaction",
      `default_pool_size = ${poolSize}`,
      "max_client_conn = 200",
      "ignore_startup_parameters = extra_float_digits",
      "",
    ].join("\n"),
    { mode: 0o644 },
  );
  const args = [join(dir, "pgbouncer.ini")];
  if (process.getuid?.() === 0) args.unshift("-u", "postgres");
  const child: ChildProcess = spawn(binary, args, {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));

  const url = new URL(POSTGRES_URL);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  const adminUrl = new URL(url);
  adminUrl.pathname = "/pgbouncer";

  const admin = async (command: string) => {
    const client = new pg.Client({ connectionString: adminUrl.toString() });
    await client.connect();
    try {
      return (await client.query(command)).rows as Record<string, string>[];
    } finally {
      await client.end();
    }
  };

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`pgbouncer exited with ${child.exitCode}:\n${log}`);
    }
    try {
      await admin("SHOW VERSION");
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `pgbouncer did not answer within 10 s (${String(error)}):\n${log}`,
        );
      }
      await sleep(50);
    }
  }
  return { url: url.toString(), admin, stop };
}
