/**
 * A plain gRPC client, @grpc/grpc-js loading the .proto at run time and
 * sharing no code with Corndogs, can use the service: the wire format is
 * the v1alpha1 one.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import {
  REPO_ROOT,
  startTestServer,
  type TestServer,
} from "./support/servers.js";

type Call = (request: object) => Promise<Record<string, unknown>>;

function loadService(address: string): Record<string, Call> {
  const definition = protoLoader.loadSync(
    `${REPO_ROOT}proto/corndogs/v1alpha1/corndogs.proto`,
    { longs: String, bytes: Buffer, defaults: true, keepCase: true },
  );
  const proto = grpc.loadPackageDefinition(definition) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- generated at run time
  const client = new proto.corndogs.v1alpha1.CorndogsService(
    address,
    grpc.credentials.createInsecure(),
  );
  const calls: Record<string, Call> = { close: async () => client.close() };
  for (const name of [
    "SubmitTask",
    "GetNextTask",
    "CompleteTask",
    "GetQueues",
    "GetTaskStateByID",
  ]) {
    calls[name] = promisify(client[name].bind(client)) as Call;
  }
  return calls;
}

describe("an independent gRPC client (@grpc/grpc-js)", () => {
  let server: TestServer;
  let rpc: Record<string, Call>;

  before(async () => {
    server = await startTestServer("sqlite");
    rpc = loadService(`127.0.0.1:${server.server.apiPort}`);
  });
  after(async () => {
    await rpc.close!({});
    await server.stop();
  });

  it("submits, claims and completes with the v1alpha1 messages", async () => {
    const submitted = (await rpc.SubmitTask!({
      queue: "plain",
      payload: Buffer.from("from grpc-js"),
      priority: "3",
      timeout: "30",
    })) as { task: Record<string, unknown> };
    assert.equal(submitted.task.current_state, "submitted");
    assert.equal(submitted.task.auto_target_state, "submitted-working");
    assert.equal(submitted.task.priority, "3");

    const claimed = (await rpc.GetNextTask!({
      queue: "plain",
      worker_id: "grpc-js",
    })) as {
      task: Record<string, unknown>;
    };
    assert.equal(claimed.task.uuid, submitted.task.uuid);
    assert.equal(claimed.task.current_state, "submitted-working");
    assert.equal(String(claimed.task.payload), "from grpc-js");
    assert.equal(claimed.task.worker_id, "grpc-js");

    const done = (await rpc.CompleteTask!({
      uuid: claimed.task.uuid,
      queue: "plain",
      current_state: "submitted-working",
      claim_token: claimed.task.claim_token,
    })) as { task: Record<string, unknown> };
    assert.equal(done.task.current_state, "completed");

    const queues = await rpc.GetQueues!({});
    assert.deepEqual(queues, { queues: [], total_task_count: "0" });
  });

  it("gets gRPC status codes for bad input", async () => {
    await assert.rejects(
      rpc.SubmitTask!({ queue: "" }),
      (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
        assert.match(err.details, /queue must not be empty/);
        return true;
      },
    );
    await assert.rejects(
      rpc.GetTaskStateByID!({ uuid: "00000000-0000-4000-8000-000000000000" }),
      (err: grpc.ServiceError) => err.code === grpc.status.NOT_FOUND,
    );
  });

  it("reads error messages as sent, punctuation and non-ASCII included", async () => {
    // "…; the limit is 255 bytes" reached grpc-js clients as "%3B".
    const queue = "é".repeat(128);
    await assert.rejects(
      rpc.SubmitTask!({ queue }),
      (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
        assert.match(
          err.details,
          /^queue is 256 bytes; the limit is 255 bytes/,
        );
        return true;
      },
    );
    const made = (await rpc.SubmitTask!({ queue: "plain" })) as {
      task: { uuid: string };
    };
    await assert.rejects(
      rpc.CompleteTask!({
        uuid: made.task.uuid,
        queue: "plain",
        current_state: "étape",
      }),
      (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.FAILED_PRECONDITION);
        assert.match(err.details, /not "étape"/);
        return true;
      },
    );
  });
});
