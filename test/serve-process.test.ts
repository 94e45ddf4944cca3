/**
 * `corndogs serve` as an operator runs it: settings validated at start,
 * and a graceful stop on SIGTERM that lets requests in flight finish.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import http from "node:http";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { refusedServe, spawnServer, stopProcess } from "./support/servers.js";

describe("corndogs serve settings", () => {
  const cases: [string, Record<string, string>, string[], RegExp][] = [
    ["a listen address without a port", { CORNDOGS_LISTEN: "localhost" }, [], /CORNDOGS_LISTEN="localhost" is not valid: expected HOST:PORT/],
    ["a payload limit that is not a number", { CORNDOGS_MAX_PAYLOAD_BYTES: "lots" }, [], /CORNDOGS_MAX_PAYLOAD_BYTES="lots" .* from 0 to 67108864/],
    ["an unknown log level", { CORNDOGS_LOG_LEVEL: "loud" }, [], /CORNDOGS_LOG_LEVEL="loud" .* one of fatal, error/],
    ["a database URL of an unknown kind", { CORNDOGS_DATABASE_URL: "mysql://x" }, [], /CORNDOGS_DATABASE_URL="mysql:\/\/x" .* sqlite:PATH/],
    ["a sweep interval flag out of range", {}, ["--sweep-interval-ms", "5"], /--sweep-interval-ms="5" .* from 10 to 3600000/],
    ["a payload limit over 64 MiB", { CORNDOGS_MAX_PAYLOAD_BYTES: "67108865" }, [], /from 0 to 67108864/],
    ["a malformed PostgreSQL URL, hiding its password", { CORNDOGS_DATABASE_URL: "postgres://u:s3cret@[bad/db" }, [], /CORNDOGS_DATABASE_URL="postgres:\/\/u:\*\*\*@\[bad\/db" is not valid: expected a valid URL/],
    ["an empty schema", { CORNDOGS_DATABASE_URL: "postgres://localhost/x?schema=" }, [], /\?schema= with 1 to 48 bytes/],
  ];
  for (const [name, env, args, message] of cases) {
    it(`refuses ${name}, naming the setting`, async () => {
      const { code, stderr } = await refusedServe(env, args);
      assert.equal(code, 1);
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /s3cret/);
    });
  }

  it("gives up on a database that accepts connections but never answers", async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const { code } = await refusedServe({
        CORNDOGS_DATABASE_URL: `postgres://nobody@127.0.0.1:${port}/db`,
        CORNDOGS_LISTEN: "127.0.0.1:0",
        CORNDOGS_HTTP_LISTEN: "127.0.0.1:0",
      });
      assert.equal(code, 1);
    } finally {
      silent.close();
    }
  });

  it("names the address it cannot listen on", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const database = await createTestDatabase("sqlite");
    try {
      for (const [env, flag] of [
        ["CORNDOGS_LISTEN", "--listen"],
        ["CORNDOGS_HTTP_LISTEN", "--http-listen"],
      ] as const) {
        const { code, stdout } = await refusedServe({
          CORNDOGS_DATABASE_URL: database.url,
          CORNDOGS_LISTEN: "127.0.0.1:0",
          CORNDOGS_HTTP_LISTEN: "127.0.0.1:0",
          [env]: `127.0.0.1:${port}`,
        });
        assert.equal(code, 1);
        const fatal = stdout.split("\n").find((line) => line.includes('"level":60'));
        assert.ok(fatal, stdout);
        const expected = `cannot listen at ${env} (${flag}) 127.0.0.1:${port}: `;
        const { msg } = JSON.parse(fatal) as { msg: string };
        assert.ok(msg.includes(expected) && msg.includes("EADDRINUSE"), msg);
      }
    } finally {
      taken.close();
      await database.drop();
    }
  });

  for (const [name, url] of [
    ["with no user", "postgres://:s3cret@127.0.0.1:1/db"],
    ["with an @ in it", "postgres://nobody:s3c@ret@127.0.0.1:1/db"],
    ["in the query", "postgres://nobody@127.0.0.1:1/db?password=s3cret"],
  ] as const) {
    it(`never prints a password ${name}`, async () => {
      const { code, stdout, stderr } = await refusedServe({
        CORNDOGS_DATABASE_URL: url,
      });
      assert.equal(code, 1);
      assert.match(stdout, /cannot open the store at CORNDOGS_DATABASE_URL/);
      assert.doesNotMatch(stdout + stderr, /s3c|ret@/);
    });
  }

  it("names the database it cannot reach", async () => {
    const { code, stdout } = await refusedServe({
      CORNDOGS_DATABASE_URL: "postgres://nobody:s3cret@127.0.0.1:1/db",
      CORNDOGS_LISTEN: "127.0.0.1:0",
      CORNDOGS_HTTP_LISTEN: "127.0.0.1:0",
    });
    assert.equal(code, 1);
    assert.ok(
      stdout.includes(
        "cannot open the store at CORNDOGS_DATABASE_URL (--database-url) " +
          "postgres://nobody:***@127.0.0.1:1/db: connect ECONNREFUSED",
      ),
      stdout,
    );
    assert.doesNotMatch(stdout, /s3cret/);
  });

  it("lets a flag win over its environment variable", async () => {
    const { code, stderr } = await refusedServe(
      { CORNDOGS_LOG_LEVEL: "debug" },
      ["--log-level", "loud"],
    );
    assert.equal(code, 1);
    assert.match(stderr, /--log-level="loud"/);
  });
});

describe("corndogs serve on SIGTERM", () => {
  let database: TestDatabase;
  before(async () => (database = await createTestDatabase("sqlite")));
  after(() => database.drop());

  it("finishes a request in flight, refuses new ones and exits 0", async () => {
    const server = await spawnServer({ CORNDOGS_DATABASE_URL: database.url });
    const body = JSON.stringify({ queue: "late", payload: "aGk=" });

    // Start a request and send only half of its body.
    const request = http.request({
      host: "127.0.0.1",
      port: server.apiPort,
      method: "POST",
      path: "/corndogs.v1alpha1.CorndogsService/SubmitTask",
      headers: { "content-type": "application/json", "content-length": body.length },
    });
    const response = once(request, "response");
    request.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const exit = once(server.child, "exit");
    server.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ready = await fetch(`http://127.0.0.1:${server.opsPort}/readyz`);
    assert.equal(ready.status, 503, "not ready while draining");
    await assert.rejects(
      fetch(`http://127.0.0.1:${server.apiPort}/`),
      "new connections are refused",
    );

    request.end(body.slice(10));
    const [res] = (await response) as [http.IncomingMessage];
    let text = "";
    for await (const chunk of res) text += chunk;
    assert.equal(res.statusCode, 200);
    assert.equal(JSON.parse(text).task.queue, "late");

    const [code] = (await exit) as [number];
    assert.equal(code, 0);
    assert.match(server.output(), /"server: stopped"/);
  });

  it("does not wait for a connection that never said anything", async () => {
    const server = await spawnServer({ CORNDOGS_DATABASE_URL: database.url });
    const silent = net.connect(server.apiPort, "127.0.0.1");
    await once(silent, "connect");
    const started = Date.now();
    assert.equal(await stopProcess(server.child), 0);
    assert.ok(Date.now() - started < 5000, "well within the 10 s grace");
    silent.destroy();
  });

  it("closes idle HTTP/1 keep-alive connections at once on SIGTERM", async () => {
    const server = await spawnServer({ CORNDOGS_DATABASE_URL: database.url });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: "127.0.0.1",
          port: server.apiPort,
          method: "POST",
          path: "/corndogs.v1alpha1.CorndogsService/GetQueues",
          headers: { "content-type": "application/json" },
        },
        (res) => res.resume().on("end", resolve),
      );
      req.on("error", reject);
      req.end("{}");
    });
    const started = Date.now();
    assert.equal(await stopProcess(server.child), 0);
    assert.ok(Date.now() - started < 3000, "no wait for the keep-alive timeout");
    agent.destroy();
  });

  it("exits 0 on SIGINT when idle", async () => {
    const server = await spawnServer({ CORNDOGS_DATABASE_URL: database.url });
    assert.equal(await stopProcess(server.child, "SIGINT"), 0);
  });
});
