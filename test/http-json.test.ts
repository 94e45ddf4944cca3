/**
 * The HTTP/1.1 JSON side as curl sees it: plain POSTs, HTTP statuses that
 * match the gRPC codes, and clear errors for malformed bodies, none of
 * which writes anything.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { postJson, startTestServer, type TestServer } from "./support/servers.js";


describe("HTTP/1.1 JSON requests", () => {
  let server: TestServer;
  const post = (method: string, body: string) =>
    postJson(server.baseUrl, method, body);

  before(async () => {
    server = await startTestServer("sqlite");
  });
  after(() => server.stop());

  async function liveTotal() {
    const { json } = await post("GetQueueTaskCounts", "{}");
    return json.totalTaskCount ?? "0";
  }

  it("submits and claims with plain JSON (int64 as strings, bytes base64)", async () => {
    const submit = await post(
      "SubmitTask",
      JSON.stringify({ queue: "curl", payload: Buffer.from("hi").toString("base64"), priority: "2" }),
    );
    assert.equal(submit.status, 200);
    assert.equal(submit.json.task.currentState, "submitted");
    assert.equal(submit.json.task.priority, "2");

    const claim = await post("GetNextTask", JSON.stringify({ queue: "curl" }));
    assert.equal(claim.status, 200);
    assert.equal(Buffer.from(claim.json.task.payload, "base64").toString(), "hi");

    const empty = await post("GetNextTask", JSON.stringify({ queue: "curl" }));
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, {});
  });

  const malformed: [string, string, number, RegExp][] = [
    ["a body that is not JSON", "{queue: nope", 400, /./],
    ["an unknown field", JSON.stringify({ queue: "x", queu: "y" }), 400, /queu/],
    ["an int64 out of range", JSON.stringify({ queue: "x", priority: "99999999999999999999" }), 400, /priority/],
    ["a number where a string belongs", JSON.stringify({ queue: 5 }), 400, /queue/],
    ["bytes that are not base64", JSON.stringify({ queue: "x", payload: "***" }), 400, /payload/],
    ["an empty queue", JSON.stringify({ queue: "" }), 400, /queue must not be empty/],
  ];
  for (const [name, body, status, message] of malformed) {
    it(`answers ${status} to ${name} and writes nothing`, async () => {
      const before = await liveTotal();
      const response = await post("SubmitTask", body);
      assert.equal(response.status, status);
      assert.equal(response.json.code, "invalid_argument");
      assert.match(response.json.message, message);
      assert.equal(await liveTotal(), before);
    });
  }

  it("answers 404 with not_found for an unknown task", async () => {
    const response = await post(
      "GetTaskStateByID",
      JSON.stringify({ uuid: "00000000-0000-4000-8000-000000000000" }),
    );
    assert.equal(response.status, 404);
    assert.equal(response.json.code, "not_found");
  });

  it("refuses a body over the size limit before reading it all", async () => {
    const huge = JSON.stringify({ queue: "x", payload: "A".repeat(4 * 1024 * 1024) });
    const before = await liveTotal();
    const response = await post("SubmitTask", huge);
    assert.equal(response.status, 429);
    assert.equal(response.json.code, "resource_exhausted");
    assert.equal(await liveTotal(), before);
  });
});
