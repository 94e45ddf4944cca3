/**
 * The Node request handler of the API port: the CorndogsService routes
 * served by connect-es, as connectNodeAdapter would, plus clear answers
 * for requests connect-es refuses before any interceptor sees them.
 *
 * - A body that does not decode: connect-es answers a binary one with
 *   `internal` and its parser's text; it becomes `invalid_argument`
 *   naming the request message (see toDecodeError in rpc-errors.ts), in
 *   each protocol's own error encoding: the Connect JSON error body, the
 *   gRPC trailers, or the gRPC-web trailer frame.
 * - A Content-Type no protocol serves: connect-es answers 415 with no
 *   body; the body now says which content types are accepted.
 * - A request refused before the interceptors ran (too large to read, a
 *   body that does not decode, an unknown JSON field) is told to
 *   `onRefused`, which the interceptors, and so the request metrics,
 *   never hear of.
 */
import type http from "node:http";
import type http2 from "node:http2";
import type { DescMessage } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextKey,
  createContextValues,
  createConnectRouter,
  type ConnectRouter,
  type ConnectRouterOptions,
  type Interceptor,
} from "@connectrpc/connect";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import {
  encodeEnvelope,
  type UniversalHandler,
  type UniversalServerRequest,
  type UniversalServerResponse,
} from "@connectrpc/connect/protocol";
import {
  codeToHttpStatus,
  errorFromJsonBytes,
  errorToJsonBytes,
} from "@connectrpc/connect/protocol-connect";
import {
  findTrailerError,
  setTrailerStatus,
} from "@connectrpc/connect/protocol-grpc";
import {
  trailerFlag,
  trailerParse,
  trailerSerialize,
} from "@connectrpc/connect/protocol-grpc-web";
import type { Logger } from "pino";
import { toDecodeError } from "./rpc-errors.js";

/** What the API port accepts, for the body of a 415 answer. */
const ACCEPTED_CONTENT_TYPES =
  "application/json or application/proto (Connect, e.g. curl), " +
  "application/grpc (gRPC) or application/grpc-web (gRPC-web)";

export interface ApiHandlerOptions extends ConnectRouterOptions {
  routes: (router: ConnectRouter) => void;
  /** Told of each request answered with an error before any interceptor. */
  onRefused?: (method: string, code: Code) => void;
}

/** Set by the outermost interceptor: the request got past decoding. */
const REACHED = createContextKey<{ reached: boolean }>({ reached: false });

/** Marks a request as seen by the interceptors (see `onRefused`). */
const markReached: Interceptor = (next) => (request) => {
  request.contextValues.get(REACHED).reached = true;
  return next(request);
};

export type NodeHandler = (
  request: http.IncomingMessage | http2.Http2ServerRequest,
  response: http.ServerResponse | http2.Http2ServerResponse,
) => void;

/** Creates the API port's request handler for `options.routes`. */
export function apiRequestHandler(
  options: ApiHandlerOptions,
  log: Logger,
): NodeHandler {
  const router = createConnectRouter({
    acceptCompression: [compressionGzip, compressionBrotli],
    ...options,
    interceptors: [markReached, ...(options.interceptors ?? [])],
  });
  options.routes(router);
  const onRefused = options.onRefused ?? (() => undefined);
  const byPath = new Map(
    router.handlers.map((handler) => [
      handler.requestPath,
      withClearRefusals(handler, onRefused),
    ]),
  );

  return (request, response) => {
    const path = (request.url ?? "").split("?", 1)[0] ?? "";
    const handler = byPath.get(path);
    if (handler === undefined) {
      response.writeHead(404);
      response.end();
      return;
    }
    const contextValues = createContextValues().set(REACHED, {
      reached: false,
    });
    const universal = universalRequestFromNodeRequest(
      request,
      response,
      undefined,
      contextValues,
    );
    handler(universal)
      .then((answer) => universalResponseToNodeResponse(answer, response))
      .catch((err: unknown) => {
        // Aborted: the client went away before its answer was written.
        if (ConnectError.from(err).code === Code.Aborted) return;
        log.warn(
          { err, method: handler.method.name },
          "rpc: could not write the answer",
        );
      });
  };
}

/** `handler`, with the answers described at the top of this file. */
function withClearRefusals(
  handler: UniversalHandler,
  onRefused: (method: string, code: Code) => void,
): UniversalHandler {
  const input = handler.method.input;
  const clear = async (request: UniversalServerRequest) => {
    const refused = (error: ConnectError) => {
      if (!request.contextValues?.get(REACHED).reached) {
        onRefused(handler.method.name, error.code);
      }
    };
    return clarify(request, await handler(request), input, refused);
  };
  return Object.assign(clear, {
    protocolNames: handler.protocolNames,
    service: handler.service,
    method: handler.method,
    requestPath: handler.requestPath,
    allowedMethods: handler.allowedMethods,
    supportedContentType: handler.supportedContentType,
  });
}

async function clarify(
  request: UniversalServerRequest,
  answer: UniversalServerResponse,
  input: DescMessage,
  refused: (error: ConnectError) => void,
): Promise<UniversalServerResponse> {
  if (answer.status === 415 && answer.body === undefined) {
    return unsupportedMediaType(request.header.get("content-type"));
  }
  const contentType = answer.header?.get("content-type") ?? "";
  const body = answer.body;
  if (body === undefined) return answer;
  if (contentType.startsWith("application/grpc-web")) {
    return { ...answer, body: clearGrpcWebTrailer(body, input, refused) };
  }
  if (contentType.startsWith("application/grpc")) {
    const trailer = answer.trailer;
    return trailer === undefined
      ? answer
      : { ...answer, body: clearGrpcTrailer(body, trailer, input, refused) };
  }
  // A Connect unary error: a small JSON body (never compressed: only
  // answers over compressMinBytes are).
  if (
    answer.status >= 400 &&
    contentType.startsWith("application/json") &&
    !answer.header?.has("content-encoding")
  ) {
    return clearConnectError(answer, body, input, refused);
  }
  return answer;
}

function unsupportedMediaType(
  contentType: string | null,
): UniversalServerResponse {
  const got =
    contentType === null || contentType === ""
      ? "no Content-Type"
      : `Content-Type ${JSON.stringify(contentType)}`;
  const text = new TextEncoder().encode(
    `unsupported media type: got ${got}; send ${ACCEPTED_CONTENT_TYPES}\n`,
  );
  return {
    status: 415,
    header: new Headers({
      "content-type": "text/plain; charset=utf-8",
      "content-length": String(text.byteLength),
    }),
    body: singleChunk(text),
  };
}

async function clearConnectError(
  answer: UniversalServerResponse,
  body: AsyncIterable<Uint8Array>,
  input: DescMessage,
  refused: (error: ConnectError) => void,
): Promise<UniversalServerResponse> {
  const bytes = await readAll(body);
  let error: ConnectError;
  try {
    error = errorFromJsonBytes(bytes, undefined, new ConnectError(""));
  } catch {
    return { ...answer, body: singleChunk(bytes) };
  }
  const clear = toDecodeError(error, input);
  refused(clear ?? error);
  if (clear === undefined) return { ...answer, body: singleChunk(bytes) };
  const json = errorToJsonBytes(clear, {});
  const header = new Headers(answer.header);
  header.set("content-length", String(json.byteLength));
  return {
    ...answer,
    status: codeToHttpStatus(clear.code),
    header,
    body: singleChunk(json),
  };
}

/**
 * The gRPC body, unchanged; when it ends, and before the adapter sends
 * the trailers, a decoding error in them is replaced.
 */
async function* clearGrpcTrailer(
  body: AsyncIterable<Uint8Array>,
  trailer: Headers,
  input: DescMessage,
  refused: (error: ConnectError) => void,
): AsyncIterable<Uint8Array> {
  yield* body;
  const error = findTrailerError(trailer);
  const clear = error && toDecodeError(error, input);
  if (clear) replaceStatus(trailer, clear);
  if (error) refused(clear ?? error);
  const message = trailer.get("grpc-message");
  if (message !== null) trailer.set("grpc-message", grpcMessage(message));
}

/**
 * A grpc-message as the gRPC spec encodes it: only `%` and bytes outside
 * printable ASCII percent-encoded. connect-es encodes it as a URI
 * component, which grpc-js decodes with decodeURI, so its clients saw
 * `%3A` for every `:` and `%3B` for every `;` of an error message.
 */
function grpcMessage(uriEncoded: string): string {
  let text: string;
  try {
    text = decodeURIComponent(uriEncoded);
  } catch {
    return uriEncoded;
  }
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The gRPC-web body, with a decoding error in its trailer frame replaced. */
async function* clearGrpcWebTrailer(
  body: AsyncIterable<Uint8Array>,
  input: DescMessage,
  refused: (error: ConnectError) => void,
): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    // Each chunk is one frame: flags, 4 bytes of length, data. The trailer
    // frame has the trailer flag alone (it is never compressed).
    if (chunk[0] !== trailerFlag) {
      yield chunk;
      continue;
    }
    const trailer = trailerParse(chunk.subarray(5));
    const error = findTrailerError(trailer);
    const clear = error && toDecodeError(error, input);
    if (error) refused(clear ?? error);
    if (!clear) {
      yield chunk;
      continue;
    }
    replaceStatus(trailer, clear);
    yield encodeEnvelope(trailerFlag, trailerSerialize(trailer));
  }
}

function replaceStatus(trailer: Headers, error: ConnectError) {
  trailer.delete("grpc-status-details-bin");
  setTrailerStatus(trailer, error);
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function* singleChunk(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}
