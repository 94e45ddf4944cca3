/**
 * The ops port: health, readiness and Prometheus metrics, read with a
 * real exposition-format parser.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import type { CorndogsClient } from "../src/client/client.js";
import { rejection } from "./contract/contract-suite.js";
import { histogramCount, scrape, sampleValue } from "./support/prometheus.js";
import { startTestServer, type TestServer } from "./support/servers.js";

describe("the ops port", () => {
  let server: TestServer;
  let client: CorndogsClient;

  before(async () => {
    server = await startTestServer("sqlite");
    client = server.client();
  });
  after(() => server.stop());

  it("answers /healthz and /readyz when the schema is current", async () => {
    const health = await fetch(`${server.opsUrl}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${server.opsUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(await ready.text(), "ready\n");
    assert.equal((await fetch(`${server.opsUrl}/nope`)).status, 404);
  });

  it("counts requests by method and code, and transitions by queue", async () => {
    const queue = 'we "quote"\\ and ünïcödé 任务';
    await client.submitTask({ queue });
    await client.submitTask({ queue });
    const { task } = await client.getNextTask({ queue });
    await client.completeTask({
      uuid: task!.uuid,
      queue,
      currentState: task!.currentState,
    });
    const bad = await rejection(() => client.submitTask({ queue: "" }));
    assert.equal(bad.code, Code.InvalidArgument);

    const metrics = await scrape(server.opsUrl);
    const requests = (method: string, code: string) =>
      sampleValue(metrics, "corndogs_rpc_requests_total", { method, code });
    assert.equal(requests("SubmitTask", "ok"), 2);
    assert.equal(requests("SubmitTask", "InvalidArgument"), 1);
    assert.equal(requests("GetNextTask", "ok"), 1);

    const transitions = (transition: string) =>
      sampleValue(metrics, "corndogs_task_transitions_total", { queue, transition });
    assert.equal(transitions("submitted"), 2);
    assert.equal(transitions("claimed"), 1);
    assert.equal(transitions("completed"), 1);

    const latency = histogramCount(
      metrics,
      "corndogs_rpc_duration_seconds",
      'method="SubmitTask"',
    );
    assert.equal(latency, 3, "every call is timed, failed ones too");
    const escaped = 'queue="we \\"quote\\"\\\\ and ünïcödé 任务"';
    assert.equal(
      histogramCount(metrics, "corndogs_work_duration_seconds", escaped),
      1,
    );
  });

  it("counts timeouts found by the sweeper", async () => {
    const queue = "sweeps";
    await client.submitTask({ queue, timeout: 1n });
    const { task } = await client.getNextTask({ queue });
    await client.cleanUpTimedOut({ atTime: task!.deadline, queue });
    const metrics = await scrape(server.opsUrl);
    assert.equal(
      sampleValue(metrics, "corndogs_task_transitions_total", {
        queue,
        transition: "timed_out",
      }),
      1,
    );
  });
});
