/**
 * A SQLite path that cannot be a database file stops `corndogs serve` at
 * start with one line naming the setting and the path, as other bad
 * settings do, not with a stack trace from SQLite.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createLogger } from "../src/log.js";
import { startServer } from "../src/server/serve.js";
import { refusedServe, testSettings } from "./support/servers.js";

describe("SQLite paths that cannot hold a database", () => {
  const dir = mkdtempSync(join(tmpdir(), "corndogs-path-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const missing = join(dir, "no-such-dir", "tasks.db");
  const cases: [string, Record<string, string>, string[], RegExp][] = [
    [
      "a file in a directory that does not exist",
      { CORNDOGS_DATABASE_URL: `sqlite:${missing}` },
      [],
      new RegExp(`^corndogs: CORNDOGS_DATABASE_URL="sqlite:${missing}" is not valid: the directory ${join(dir, "no-such-dir")} does not exist`),
    ],
    [
      "a directory",
      { CORNDOGS_DATABASE_URL: `sqlite:${dir}` },
      [],
      new RegExp(`^corndogs: CORNDOGS_DATABASE_URL="sqlite:${dir}" is not valid: ${dir} is a directory`),
    ],
    [
      "a missing directory given by flag",
      {},
      ["--database-url", `sqlite://${missing}`],
      new RegExp(`^corndogs: --database-url="sqlite://${missing}" is not valid: the directory .*no-such-dir does not exist`),
    ],
  ];
  for (const [name, env, args, message] of cases) {
    it(`refuses ${name} in one line`, async () => {
      const { code, stdout, stderr } = await refusedServe(env, args);
      const output = stdout + stderr;
      assert.equal(code, 1);
      assert.match(output, message);
      assert.doesNotMatch(output, /\n\s+at |stack|SqliteError/);
    });
  }

  it("names the file SQLite could not open", async () => {
    const notDatabase = join(dir, "not-a-database.db");
    writeFileSync(notDatabase, "plain text, not SQLite ".repeat(20));
    await assert.rejects(
      startServer(testSettings(`sqlite:${notDatabase}`), createLogger("silent")),
      (error: Error) => {
        assert.equal(
          error.message,
          `cannot open the store at CORNDOGS_DATABASE_URL (--database-url) ` +
            `sqlite:${notDatabase}: ` +
            `cannot open SQLite database "${notDatabase}": file is not a database`,
        );
        assert.equal((error.cause as Error).name, "StoreError");
        return true;
      },
    );
  });
});
