/**
 * The TypeScript client: the CorndogsService over gRPC (HTTP/2) or over
 * the Connect protocol with JSON on HTTP/1.1, the same wire any other
 * language uses. Every method takes a plain object of the request's fields
 * and resolves with the response message; errors are `ConnectError`s with
 * a gRPC status `code`.
 *
 * ```ts
 * const corndogs = createCorndogsClient({ baseUrl: "http://localhost:5080" });
 * const { task } = await corndogs.submitTask({ queue: "images" });
 * ```
 */
import net from "node:net";
import type { Duplex } from "node:stream";
import { createClient, type Client } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
} from "@connectrpc/connect-node";
import { CorndogsService } from "../gen/corndogs/v1alpha1/corndogs_pb.js";

/** A typed CorndogsService client. */
export type CorndogsClient = Client<typeof CorndogsService>;

/** How to reach a Corndogs server. */
export interface ClientOptions {
  /** Base URL of the API port, e.g. `http://localhost:5080`. */
  baseUrl: string;
  /** `grpc` (default): HTTP/2; `json`: Connect JSON over HTTP/1.1. */
  protocol?: "grpc" | "json";
  /** Largest response accepted, in bytes (default 64 MiB). */
  readMaxBytes?: number;
}

const DEFAULT_READ_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Opens a cleartext HTTP/2 connection without Nagle's delay: a request is
 * a few small frames that must leave at once, not wait for an ACK.
 */
function connectNoDelay(authority: URL): Duplex {
  const host = authority.hostname.replace(/^\[(.*)\]$/u, "$1");
  return net
    .connect({ host, port: Number(authority.port) || 80 })
    .setNoDelay(true);
}

/** Creates a client; it connects lazily, on the first call. */
export function createCorndogsClient(options: ClientOptions): CorndogsClient {
  const readMaxBytes = options.readMaxBytes ?? DEFAULT_READ_MAX_BYTES;
  const transport =
    options.protocol === "json"
      ? createConnectTransport({
          baseUrl: options.baseUrl,
          httpVersion: "1.1",
          useBinaryFormat: false,
          readMaxBytes,
        })
      : createGrpcTransport({
          baseUrl: options.baseUrl,
          readMaxBytes,
          // TLS connections keep Node's own set-up (ALPN, certificates).
          nodeOptions: options.baseUrl.startsWith("http:")
            ? { createConnection: connectNoDelay }
            : undefined,
        });
  return createClient(CorndogsService, transport);
}
