/**
 * A Worker in a few lines: claims "images" tasks, pretends to make a
 * thumbnail, and hands each finished task on to the "publish" state of
 * the same queue. Run a server (`npx corndogs serve`), then:
 *
 *   npx corndogs submit images '{"url":"https://example.com/a.png"}' --timeout 60
 *   npx tsx examples/worker/thumbnails.ts
 *   npx corndogs counts images          # one task waiting in "publish"
 *
 * Stop it with Ctrl-C: it stops claiming, lets running handlers finish
 * and exits.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createCorndogsClient } from "../../src/client/client.js";
import { Worker } from "../../src/worker/worker.js";

const worker = new Worker({
  client: createCorndogsClient({
    baseUrl: process.env.CORNDOGS_SERVER ?? "http://localhost:5080",
  }),
  queues: ["images"],
  concurrency: 4,
  handler: async (task, { signal }) => {
    const { url } = JSON.parse(new TextDecoder().decode(task.payload)) as {
      url: string;
    };
    console.log(`thumbnail for ${url} (attempt ${task.claimCount})`);
    await sleep(200, undefined, { signal }); // the real work goes here
    return { nextTask: { currentState: "publish", payload: task.payload } };
  },
  onError: (error, task) => console.error(`task ${task?.uuid}:`, error),
});

await worker.run();
console.log("worker stopped");
