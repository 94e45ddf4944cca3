/**
 * A worker process of the comparison benchmark: runs one system's
 * consumer as the benchmark process tells it over IPC (see protocol.ts),
 * and reports each handled task's number, with the time its handler ran,
 * in small batches. Exits when told to, or when the benchmark process
 * goes away.
 *
 *     node --import tsx bench/compare/worker-child.ts   (forked, with IPC)
 */
import type { Consumer } from "./consumers/consumer.js";
import type {
  ChildMessage,
  ConsumerSpec,
  ParentMessage,
  TaskPayload,
} from "./protocol.js";

/** Longest a handled task waits before it is reported, in ms. */
const FLUSH_MS = 5;
/** Report at once when this many tasks are waiting to be reported. */
const FLUSH_COUNT = 1000;

let consumer: Consumer | undefined;
let ids: number[] = [];
let latencies: number[] = [];
let lastAt = 0n;
let flushTimer: NodeJS.Timeout | undefined;

function send(message: ChildMessage) {
  process.send?.(message);
}

/** Records a handler start; reports soon. */
function onTask(payload: TaskPayload) {
  const at = process.hrtime.bigint();
  ids.push(payload.n);
  if (payload.t !== undefined) latencies.push(Number(at - BigInt(payload.t)));
  lastAt = at;
  if (ids.length >= FLUSH_COUNT) flush();
  else flushTimer ??= setTimeout(flush, FLUSH_MS);
}

function flush() {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  if (ids.length === 0) return;
  send({
    type: "handled",
    ids,
    lastAt: String(lastAt),
    latenciesNs: latencies,
  });
  ids = [];
  latencies = [];
}

async function makeConsumer(spec: ConsumerSpec): Promise<Consumer> {
  switch (spec.kind) {
    case "corndogs": {
      const { CorndogsConsumer } = await import("./consumers/corndogs.js");
      return new CorndogsConsumer(spec.baseUrl, spec.queue);
    }
    case "graphile": {
      const { GraphileConsumer } = await import("./consumers/graphile.js");
      return new GraphileConsumer(spec);
    }
    case "pgboss": {
      const { PgBossConsumer } = await import("./consumers/pgboss.js");
      return new PgBossConsumer(spec);
    }
    case "bullmq": {
      const { BullMqConsumer } = await import("./consumers/bullmq.js");
      return new BullMqConsumer(spec);
    }
  }
}

async function handle(message: ParentMessage) {
  switch (message.type) {
    case "init":
      consumer = await makeConsumer(message.spec);
      await consumer.open();
      return send({ type: "ready" });
    case "start":
      await consumer?.start(message.concurrency, onTask);
      return send({ type: "started" });
    case "stop":
      await consumer?.stop();
      flush();
      return send({ type: "stopped" });
    case "exit":
      flush();
      await consumer?.close();
      process.exit(0);
  }
}

// Messages are handled one at a time, in order.
let chain: Promise<void> = Promise.resolve();
process.on("message", (message: ParentMessage) => {
  chain = chain.then(() =>
    handle(message).catch((error: unknown) => {
      send({ type: "error", message: String((error as Error).stack ?? error) });
    }),
  );
});
process.on("disconnect", () => process.exit(1));
