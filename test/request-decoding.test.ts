/**
 * Requests the RPC framework refuses before Corndogs sees them get clear
 * answers: a binary body that does not decode is invalid_argument naming
 * the request message (not internal with parser text), in every protocol;
 * a JSON int64 that is no whole number says so; a Content-Type no protocol
 * serves gets a body listing those that are accepted.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { scrape, sampleValue } from "./support/prometheus.js";
import {
  startTestServer,
  TEST_MAX_PAYLOAD,
  type TestServer,
} from "./support/servers.js";

const SERVICE = "/corndogs.v1alpha1.CorndogsService";

/** SubmitTaskRequest.queue (field 1) promising 5 bytes, holding 2. */
const TRUNCATED = Buffer.from([0x0a, 0x05, 0x61, 0x62]);
/** SubmitTaskRequest.queue holding bytes that are not UTF-8. */
const BAD_UTF8 = Buffer.from([0x0a, 0x02, 0xff, 0xfe]);

const NOT_A_SUBMIT =
  /^request body is not a valid corndogs\.v1alpha1\.SubmitTaskRequest in the protobuf binary format \((premature EOF|.*utf-8.*)\)$/;

describe("requests that do not decode", () => {
  let server: TestServer;
  let grpcClient: grpc.Client;

  before(async () => {
    server = await startTestServer("sqlite");
    grpcClient = new grpc.Client(
      `127.0.0.1:${server.server.apiPort}`,
      grpc.credentials.createInsecure(),
    );
  });
  after(async () => {
    grpcClient.close();
    await server.stop();
  });

  async function post(
    method: string,
    contentType: string | undefined,
    body: Uint8Array | string,
  ) {
    const response = await fetch(`${server.baseUrl}${SERVICE}/${method}`, {
      method: "POST",
      headers: contentType === undefined ? {} : { "content-type": contentType },
      body,
    });
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      text: await response.text(),
    };
  }

  async function liveTotal() {
    const { text } = await post("GetQueueTaskCounts", "application/json", "{}");
    return (
      (JSON.parse(text) as { totalTaskCount?: string }).totalTaskCount ?? "0"
    );
  }

  /** Sends `body` as the raw bytes of a gRPC SubmitTask request. */
  function grpcSubmit(body: Buffer): Promise<grpc.ServiceError | undefined> {
    return new Promise((resolve) => {
      grpcClient.makeUnaryRequest(
        `${SERVICE}/SubmitTask`,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        body,
        (err) => resolve(err ?? undefined),
      );
    });
  }

  for (const [name, body] of [
    ["a truncated", TRUNCATED],
    ["an invalid UTF-8", BAD_UTF8],
  ] as const) {
    it(`answers ${name} Connect binary body with 400 invalid_argument`, async () => {
      const before = await liveTotal();
      const response = await post("SubmitTask", "application/proto", body);
      assert.equal(response.status, 400);
      const error = JSON.parse(response.text) as {
        code: string;
        message: string;
      };
      assert.equal(error.code, "invalid_argument");
      assert.match(error.message, NOT_A_SUBMIT);
      assert.equal(await liveTotal(), before);
    });

    it(`answers ${name} gRPC body with INVALID_ARGUMENT`, async () => {
      const err = await grpcSubmit(body);
      assert.equal(err?.code, grpc.status.INVALID_ARGUMENT);
      assert.match(err.details, NOT_A_SUBMIT);
      // The same bytes, complete: SubmitTaskRequest { queue: "ab" }.
      assert.equal(
        await grpcSubmit(Buffer.from([0x0a, 0x02, 0x61, 0x62])),
        undefined,
      );
    });
  }

  it("answers a truncated gRPC-web body with status 3 in its trailer", async () => {
    const frame = Buffer.concat([
      Buffer.from([0, 0, 0, 0, TRUNCATED.length]),
      TRUNCATED,
    ]);
    const response = await fetch(`${server.baseUrl}${SERVICE}/SubmitTask`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto" },
      body: frame,
    });
    assert.equal(response.status, 200);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(bytes[0], 0x80, "a trailer frame");
    const trailer = bytes.subarray(5).toString();
    assert.match(trailer, /grpc-status: 3\r\n/);
    const message = /grpc-message: (.*)\r\n/.exec(trailer)?.[1] ?? "";
    assert.match(decodeURIComponent(message), NOT_A_SUBMIT);
  });

  const int64Cases: [string, string, RegExp][] = [
    [
      "a word",
      JSON.stringify({ queue: "q", timeout: "abc" }),
      /^cannot decode field corndogs\.v1alpha1\.SubmitTaskRequest\.timeout from JSON: expected an int64 \(a whole number from -9223372036854775808 to 9223372036854775807, as a JSON number or string\), got abc$/,
    ],
    [
      "a fraction",
      JSON.stringify({ queue: "q", priority: 1.5 }),
      /^cannot decode field corndogs\.v1alpha1\.SubmitTaskRequest\.priority from JSON: expected an int64 .*, got 1\.5$/,
    ],
    [
      "a whole number too large",
      JSON.stringify({ queue: "q", priority: "99999999999999999999" }),
      /^cannot decode field corndogs\.v1alpha1\.SubmitTaskRequest\.priority from JSON: 99999999999999999999 is out of range for an int64 \(-9223372036854775808 to 9223372036854775807\)$/,
    ],
  ];
  for (const [name, body, message] of int64Cases) {
    it(`says what is wrong with ${name} as a JSON int64`, async () => {
      const response = await post("SubmitTask", "application/json", body);
      assert.equal(response.status, 400);
      const error = JSON.parse(response.text) as {
        code: string;
        message: string;
      };
      assert.equal(error.code, "invalid_argument");
      assert.match(error.message, message);
    });
  }

  it("answers a wrong Content-Type with 415 and the accepted types", async () => {
    const response = await post("SubmitTask", "text/plain", '{"queue":"q"}');
    assert.equal(response.status, 415);
    assert.match(response.type ?? "", /^text\/plain/);
    assert.match(
      response.text,
      /got Content-Type "text\/plain"; send application\/json or application\/proto/,
    );
    assert.match(response.text, /application\/grpc/);
  });

  it("answers a request without Content-Type with 415 and the accepted types", async () => {
    // fetch() always sends one with a body: plain node:http does not.
    const { status, text } = await new Promise<{
      status: number;
      text: string;
    }>((resolve, reject) => {
      const request = http.request(
        `${server.baseUrl}${SERVICE}/SubmitTask`,
        { method: "POST" },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, text }),
          );
        },
      );
      request.on("error", reject);
      request.end('{"queue":"q"}');
    });
    assert.equal(status, 415);
    assert.match(text, /got no Content-Type; send application\/json/);
  });
  it("counts refused requests in the request metrics, each once", async () => {
    const count = async (code: string) =>
      sampleValue(await scrape(server.opsUrl), "corndogs_rpc_requests_total", {
        method: "SubmitTask",
        code,
      }) ?? 0;
    const invalid = await count("InvalidArgument");
    const exhausted = await count("ResourceExhausted");

    await post("SubmitTask", "application/json", '{"queue":"q","bogus":1}');
    await post("SubmitTask", "application/proto", TRUNCATED);
    await grpcSubmit(TRUNCATED);
    await post("SubmitTask", "application/json", '{"queue":""}'); // reaches the handler
    const tooLarge = await post(
      "SubmitTask",
      "application/json",
      JSON.stringify({
        queue: "q",
        payload: "A".repeat(TEST_MAX_PAYLOAD * 2 + 2 * 1024 * 1024),
      }),
    );
    assert.equal(tooLarge.status, 429);

    assert.equal(await count("InvalidArgument"), invalid + 4);
    assert.equal(await count("ResourceExhausted"), exhausted + 1);
  });
});
