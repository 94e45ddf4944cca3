/**
 * Corndogs as a library: the typed client, the wire messages, and the
 * server for embedding or tests.
 */
export {
  createCorndogsClient,
  type ClientOptions,
  type CorndogsClient,
} from "./client/client.js";
export * from "./gen/corndogs/v1alpha1/corndogs_pb.js";
export {
  Worker,
  type Handler,
  type HandlerContext,
  type HandlerResult,
  type WorkerOptions,
} from "./worker/worker.js";
export { Code, ConnectError } from "@connectrpc/connect";
export { startServer, type RunningServer } from "./server/serve.js";
export type { ServeSettings } from "./config/settings.js";
