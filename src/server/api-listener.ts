/**
 * One TCP port for gRPC (HTTP/2 with prior knowledge, no TLS) and for
 * HTTP/1.1 (Connect JSON, for curl). Node's HTTP/2 server only falls back
 * to HTTP/1 under TLS, so each new connection is routed by its first bytes:
 * an HTTP/2 client always opens with the preface "PRI * HTTP/2.0".
 */
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";

const HTTP2_PREFACE_START = Buffer.from("PRI");

/** A connection that sends nothing for this long is closed, in ms. */
const FIRST_BYTES_TIMEOUT_MS = 10_000;

type Handler = (
  request: http.IncomingMessage | http2.Http2ServerRequest,
  response: http.ServerResponse | http2.Http2ServerResponse,
) => void;

/** A listening API port that can be shut down gracefully. */
export class ApiListener {
  private readonly tcp: net.Server;
  private readonly h1: http.Server;
  private readonly h2: http2.Http2Server;
  private readonly sockets = new Set<net.Socket>();
  /** Connections that have not said which protocol they speak yet. */
  private readonly unrouted = new Set<net.Socket>();
  private readonly sessions = new Set<http2.ServerHttp2Session>();

  constructor(handler: Handler) {
    this.h1 = http.createServer(handler);
    this.h2 = http2.createServer(handler);
    this.h2.on("session", (session) => {
      this.sessions.add(session);
      session.once("close", () => this.sessions.delete(session));
    });
    // No Nagle delay: RPC answers are small writes that must leave now.
    this.tcp = net.createServer({ noDelay: true }, (socket) =>
      this.route(socket),
    );
  }

  private route(socket: net.Socket) {
    this.sockets.add(socket);
    socket.once("close", () => {
      this.sockets.delete(socket);
      this.unrouted.delete(socket);
    });
    socket.on("error", () => socket.destroy());

    let head = Buffer.alloc(0);
    socket.setTimeout(FIRST_BYTES_TIMEOUT_MS, () => socket.destroy());
    this.unrouted.add(socket);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.length < HTTP2_PREFACE_START.length) return;
      socket.off("data", onData);
      socket.setTimeout(0);
      this.unrouted.delete(socket);
      socket.pause();
      socket.unshift(head);
      const isHttp2 = head
        .subarray(0, HTTP2_PREFACE_START.length)
        .equals(HTTP2_PREFACE_START);
      // The HTTP/2 session reads the bytes put back above by itself; the
      // HTTP/1 server needs the socket flowing again.
      if (isHttp2) {
        this.h2.emit("connection", socket);
      } else {
        this.h1.emit("connection", socket);
        socket.resume();
      }
    };
    socket.on("data", onData);
  }

  /** Listens on `host:port`; resolves with the port actually bound. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.tcp.once("error", reject);
      this.tcp.listen(port, host, () => {
        this.tcp.off("error", reject);
        resolve((this.tcp.address() as net.AddressInfo).port);
      });
    });
  }

  /**
   * Stops taking connections, asks open ones to finish (HTTP/2 GOAWAY,
   * HTTP/1 close after the current response), and after `graceMs` drops
   * whatever is left.
   */
  async close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      this.tcp.close(() => resolve()),
    );
    for (const session of this.sessions) session.close();
    for (const socket of this.unrouted) socket.destroy();
    this.h1.closeIdleConnections();
    this.h1.on("request", (_req, res: http.ServerResponse) => {
      if (!res.headersSent) res.setHeader("connection", "close");
    });

    const grace = setTimeout(() => {
      for (const socket of this.sockets) socket.destroy();
    }, graceMs);
    const drained = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        this.h1.closeIdleConnections();
        if (this.sockets.size === 0) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    await Promise.all([closed, drained]);
    clearTimeout(grace);
  }
}
