/**
 * The `corndogs` client commands, run as child processes against a real
 * server started in-process on a temporary SQLite file.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type StoreKind } from "./support/databases.js";
import { testSettings } from "./support/servers.js";
import { createLogger } from "../src/log.js";
import { startServer, type RunningServer } from "../src/server/serve.js";
import { migrationFiles } from "../src/store/migrations.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let server: RunningServer;
let dir: string;

/** Runs the CLI with `args`, feeding `input` to its stdin. */
function cli(args: string[], input = ""): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          CORNDOGS_SERVER: `http://127.0.0.1:${server.apiPort}`,
        },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Runs the CLI with `--json` and parses its one JSON object. */
async function cliJson(args: string[], input = ""): Promise<JsonObject> {
  const result = await cli([...args, "--json"], input);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as JsonObject;
}

type JsonObject = Record<string, Record<string, string | boolean> | string>;

function taskOf(response: JsonObject, key = "task") {
  const task = response[key];
  assert.ok(task !== undefined && typeof task === "object", `no ${key}`);
  return task;
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An RPC over HTTP/JSON, as curl sends it; answers the parsed body. */
async function postJson(method: string, body: object): Promise<unknown> {
  const response = await fetch(
    `http://127.0.0.1:${server.apiPort}/corndogs.v1alpha1.CorndogsService/${method}`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  );
  assert.equal(response.status, 200);
  return response.json();
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "corndogs-cli-"));
  server = await startServer(
    testSettings(`sqlite:${join(dir, "cli.db")}`, {
      maxPayloadBytes: 1024 * 1024,
      sweepIntervalMs: 1000,
      shutdownGraceMs: 1000,
    }),
    createLogger("silent"),
  );
});

after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

// Each test uses its own queues, so they may run at the same time.
describe("corndogs CLI", { concurrency: true }, () => {
  it("submits, claims, completes with a next task, and gets", async () => {
    const submitted = await cli(["submit", "cli-a", "hello world"]);
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.match(submitted.stdout, /^queue\s+cli-a$/mu);
    assert.match(submitted.stdout, /^state\s+submitted$/mu);
    assert.match(submitted.stdout, /^payload\s+hello world$/mu);

    const claimed = taskOf(await cliJson(["next", "cli-a", "--worker", "w1"]));
    assert.equal(claimed["payload"], base64("hello world"));
    assert.equal(claimed["currentState"], "submitted-working");
    assert.equal(claimed["workerId"], "w1");
    assert.equal(claimed["inFlight"], true);
    const token = claimed["claimToken"];
    const uuid = claimed["uuid"];
    assert.ok(typeof token === "string" && /^[0-9a-f]{16,}$/u.test(token));
    assert.ok(typeof uuid === "string");

    const completed = await cliJson([
      "complete",
      uuid,
      "cli-a",
      "submitted-working",
      "--claim-token",
      token,
      "--next-queue",
      "cli-b",
      "--next-payload",
      "step 2",
      "--next-priority",
      "7",
    ]);
    assert.equal(taskOf(completed)["currentState"], "completed");
    const next = taskOf(completed, "nextTask");
    assert.equal(next["queue"], "cli-b");
    assert.equal(next["currentState"], "submitted");
    assert.equal(next["priority"], "7");
    assert.equal(next["payload"], base64("step 2"));

    const got = await cli(["get", uuid]);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /^state\s+completed$/mu);
    assert.match(got.stdout, /^claims\s+1$/mu);
    assert.match(got.stdout, /^worker\s+w1$/mu);

    const piped = await cli(["next", "cli-b", "--payload-only"]);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, "step 2");
    assert.match(
      piped.stderr,
      /^uuid=[0-9a-f-]{36} queue=cli-b current_state=submitted-working claim_token=[0-9a-f]{32}$/mu,
    );
    const none = await cli(["next", "cli-b", "--payload-only"]);
    assert.equal(none.code, 3, "exit 3: nothing waiting");
    assert.equal(none.stdout, "");
  });

  it("takes a payload from stdin and shows binary as a size", async () => {
    const bytes = "\u0000\u0001binary";
    const submitted = taskOf(
      await cliJson(["submit", "cli-stdin", "--stdin"], bytes),
    );
    assert.equal(submitted["payload"], base64(bytes));

    const claimed = await cli(["next", "cli-stdin"]);
    assert.equal(claimed.code, 0, claimed.stderr);
    assert.match(claimed.stdout, /^payload\s+<8 bytes>$/mu);
    assert.match(claimed.stdout, /^claim token\s+[0-9a-f]+$/mu);

    const fromFile = taskOf(
      await cliJson(["submit", "cli-stdin", "--payload-file", "-"], "abc"),
    );
    assert.equal(fromFile["payload"], base64("abc"));
  });

  it("says an archived task's payload is not kept", async () => {
    const live = await cli(["submit", "cli-archive", "--timeout", "60"]);
    assert.equal(live.code, 0, live.stderr);
    assert.match(live.stdout, /^payload\s+\(empty\)$/mu);

    const claimed = taskOf(
      await cliJson(["next", "cli-archive", "--worker", "w1"]),
    );
    const uuid = String(claimed["uuid"]);
    const completed = await cli([
      "complete",
      uuid,
      "cli-archive",
      "submitted-working",
      "--claim-token",
      String(claimed["claimToken"]),
    ]);
    assert.equal(completed.code, 0, completed.stderr);
    assert.match(
      completed.stdout,
      /^payload\s+\(not kept after completion\)$/mu,
    );
    const got = await cli(["get", uuid]);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /^state\s+completed$/mu);
    assert.match(got.stdout, /^payload\s+\(not kept after completion\)$/mu);

    const waiting = taskOf(await cliJson(["submit", "cli-archive", "text"]));
    const canceled = await cli([
      "cancel",
      String(waiting["uuid"]),
      "cli-archive",
      "submitted",
    ]);
    assert.equal(canceled.code, 0, canceled.stderr);
    assert.match(canceled.stdout, /^state\s+canceled$/mu);
    assert.match(
      canceled.stdout,
      /^payload\s+\(not kept after cancellation\)$/mu,
    );
  });

  it("answers an empty queue normally", async () => {
    const text = await cli(["next", "cli-empty"]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout.trim(), "no task waiting");
    const json = await cli(["next", "cli-empty", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), {});
  });

  it("prints counts per queue and state, and for one queue", async () => {
    for (const payload of ["1", "2"]) {
      const result = await cli(["submit", "cli-count", payload]);
      assert.equal(result.code, 0, result.stderr);
    }
    const all = await cli(["counts"]);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^QUEUE\s+STATE\s+COUNT$/mu);
    assert.match(all.stdout, /^cli-count\s+submitted\s+2$/mu);

    const one = await cliJson(["counts", "cli-count"]);
    assert.equal(one["count"], "2");
    assert.deepEqual(one["stateCounts"], { submitted: "2" });

    const overJson = await cli(["counts", "cli-count", "--protocol", "json"]);
    assert.equal(overJson.code, 0, overJson.stderr);
    assert.match(overJson.stdout, /^submitted\s+2$/mu);
  });

  it("keeps priority and timeout on update unless given", async () => {
    const submitted = taskOf(
      await cliJson(["submit", "cli-update", "--priority", "5", "--timeout", "60"]),
    );
    const uuid = String(submitted["uuid"]);
    const kept = taskOf(
      await cliJson(["update", uuid, "cli-update", "submitted", "retry"]),
    );
    assert.equal(kept["currentState"], "retry");
    assert.equal(kept["priority"], "5");
    assert.equal(kept["timeout"], "60");
    const changed = taskOf(
      await cliJson(["update", uuid, "cli-update", "retry", "again", "--priority", "-2"]),
    );
    assert.equal(changed["priority"], "-2");
    assert.equal(changed["timeout"], "60");
  });

  it("shows statistics, workers and a top screen", async () => {
    await cli(["submit", "cli-stats", "x", "--timeout", "60"]);
    await cli(["submit", "cli-stats", "y"]);
    const claimed = taskOf(await cliJson(["next", "cli-stats", "--worker", "stat-w"]));
    const done = await cli([
      "complete",
      String(claimed["uuid"]),
      "cli-stats",
      "submitted-working",
    ]);
    assert.equal(done.code, 0, done.stderr);

    const stats = await cliJson(["stats", "cli-stats"]);
    const queues = stats["queues"] as unknown as { states: JsonObject[] };
    assert.deepEqual(
      queues.states.map((s) => [s["state"], s["waiting"]]),
      [["submitted", "1"]],
    );
    const durations = stats["durations"] as unknown as {
      queues: JsonObject[];
    };
    assert.equal(durations.queues[0]?.["count"], "1");

    const workers = await cli(["workers", "cli-stats"]);
    assert.equal(workers.code, 0, workers.stderr);
    assert.match(workers.stdout, /^cli-stats\s+stat-w\s+1\s+1\s+0\s/mu);

    const top = await cli(["top", "--once"]);
    assert.equal(top.code, 0, top.stderr);
    assert.match(top.stdout, /^corndogs top/mu);
    assert.match(top.stdout, /^cli-stats\s+submitted\s+1\s+0\s/mu);
    assert.match(top.stdout, /stat-w/u);
  });

  it("prints help for every command", async () => {
    const commands = [
      "serve", "migrate", "submit", "next", "update", "complete", "cancel",
      "get", "counts", "timeout", "stats", "workers", "top",
    ];
    const helps = await Promise.all(commands.map((c) => cli([c, "--help"])));
    helps.forEach((help, i) => {
      assert.equal(help.code, 0, `${commands[i]}: ${help.stderr}`);
      assert.match(help.stdout, new RegExp(`^Usage: corndogs ${commands[i]}`, "mu"));
    });
  });

  it("reports a failed guard as failed_precondition, exit 1", async () => {
    const task = taskOf(await cliJson(["submit", "cli-guard", "x"]));
    const uuid = task["uuid"];
    assert.ok(typeof uuid === "string");
    const result = await cli(["complete", uuid, "cli-guard", "wrong-state"]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^corndogs: failed_precondition: /u);
  });

  it("rejects a bad option value, naming the option", async () => {
    const result = await cli(["submit", "cli-bad", "--priority", "abc"]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /--priority/u);
    assert.match(result.stderr, /whole number/u);
  });

  it("moves timed-out tasks back on demand", async () => {
    const submitted = await cli(["submit", "cli-lease", "--timeout", "60"]);
    assert.equal(submitted.code, 0, submitted.stderr);
    const claimed = await cli(["next", "cli-lease"]);
    assert.equal(claimed.code, 0, claimed.stderr);
    const far = String(BigInt(Date.now() + 3_600_000) * 1_000_000n);
    const moved = await cliJson([
      "timeout",
      "--queue",
      "cli-lease",
      "--at",
      far,
    ]);
    assert.equal(moved["timedOut"], "1");
  });

  it("prints --json as the HTTP/JSON API answers, defaults left out", async () => {
    const task = taskOf(await cliJson(["submit", "cli-json", "x"]));
    const uuid = String(task["uuid"]);
    assert.equal(task["priority"], undefined, "priority 0 is left out");
    assert.equal(task["inFlight"], undefined, "inFlight false is left out");

    const got = await cliJson(["get", uuid]);
    assert.deepEqual(got, await postJson("GetTaskStateByID", { uuid }));
  });

  for (const kind of ["sqlite", "postgres"] satisfies StoreKind[]) {
    it(`says which migrations it applied (${kind}), then none`, async () => {
      const database = await createTestDatabase(kind);
      try {
        const names = migrationFiles(
          new URL(`../src/store/${kind}/migrations/`, import.meta.url),
        ).map((file) => file.name);
        const url = ["--database-url", database.url];

        const fresh = await cli(["migrate", ...url]);
        assert.equal(fresh.code, 0, fresh.stderr);
        assert.match(
          fresh.stdout,
          new RegExp(`^this run\\s+applied ${names.join(", ")}$`, "mu"),
        );
        assert.match(fresh.stdout, /^schema\s+current$/mu);

        const again = await cli(["migrate", ...url]);
        assert.equal(again.code, 0, again.stderr);
        assert.match(
          again.stdout,
          /^this run\s+nothing to apply: the schema was already current$/mu,
        );

        const json = await cliJson(["migrate", ...url]);
        assert.deepEqual(json["appliedNow"], []);
        assert.equal(json["applied"], names.length);
      } finally {
        await database.drop();
      }
    });
  }
});

// Alone, after the tests above: it watches the server's waiting claims.
describe("corndogs next --wait", () => {
  it("waits for a task submitted after the claim started", async () => {
    let exited = false;
    const claim = cli(["next", "cli-wait", "--wait", "30", "--json"]).finally(
      () => (exited = true),
    );
    while (!exited && server.service.waiters.size === 0) await sleep(10);
    assert.equal(exited, false, "next --wait answered without waiting");
    // Waiting well past a claim's own look: nothing else claims now.
    await sleep(300);
    assert.equal(server.service.waiters.size, 1, "the claim still waits");

    const submitted = taskOf(await cliJson(["submit", "cli-wait", "late"]));
    const result = await claim;
    assert.equal(result.code, 0, result.stderr);
    const claimed = taskOf(JSON.parse(result.stdout) as JsonObject);
    assert.equal(claimed["uuid"], submitted["uuid"]);
    assert.equal(claimed["payload"], base64("late"));
    assert.equal(claimed["inFlight"], true);
  });

  it("rejects a --wait over the server's limit, naming it", async () => {
    const result = await cli(["next", "cli-wait", "--wait", "61"]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      /--wait must be a whole number of seconds from 0 to 60/u,
    );
  });
});
