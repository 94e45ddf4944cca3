/**
 * A long poll over HTTP/1.1 (curl, Connect JSON) may wait the full
 * minute: the API port's idle bound for HTTP/1.1 connections must not
 * cut it off before its (empty) answer.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { startTestServer, type TestServer } from "./support/servers.js";

function post(
  url: string,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", headers: { "Content-Type": "application/json" } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: text }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

describe("a 60-second long poll over HTTP/1.1", () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer("sqlite");
  });
  after(() => server.stop());

  it("gets its empty answer after the whole wait", async () => {
    const started = Date.now();
    const answer = await post(
      `${server.baseUrl}/corndogs.v1alpha1.CorndogsService/GetNextTask`,
      JSON.stringify({ queue: "nobody-submits", waitMs: "60000" }),
    );
    const waited = Date.now() - started;
    assert.equal(answer.status, 200, answer.body);
    assert.deepEqual(JSON.parse(answer.body), {});
    assert.ok(waited >= 59_000, `answered after ${waited} ms`);
  });
});
