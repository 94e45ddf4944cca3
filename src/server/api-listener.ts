/**
 * One TCP port for gRPC (HTTP/2 with prior knowledge, no TLS) and for
 * HTTP/1.1 (Connect JSON, for curl). Node's HTTP/2 server only falls back
 * to HTTP/1 under TLS, so each new connection is routed by its first bytes:
 * an HTTP/2 client always opens with the preface "PRI * HTTP/2.0".
 */
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { MAX_WAIT_MS } from "../domain/validate.js";

const HTTP2_PREFACE_START = Buffer.from("PRI");

/** A connection that sends nothing for this long is closed, in ms. */
const FIRST_BYTES_TIMEOUT_MS = 10_000;

/**
 * An HTTP/1 connection idle this long is closed, in ms. The HTTP/1
 * server never listens itself, so Node's own header and request timeouts
 * (which hang off `listen()`) do not run; this bound replaces them. A
 * long poll sends nothing while it waits, so the bound must outlast the
 * longest one, or a claim waiting the full minute loses its answer.
 */
const HTTP1_IDLE_TIMEOUT_MS = MAX_WAIT_MS + 5_000;

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
  /** HTTP/1 connections with a request in progress. */
  private readonly busy = new Set<net.Socket>();
  /** Connections served as HTTP/1. */
  private readonly h1Sockets = new WeakSet<net.Socket>();
  private closing = false;
  /** Connections that have not said which protocol they speak yet. */
  private readonly unrouted = new Set<net.Socket>();
  private readonly sessions = new Set<http2.ServerHttp2Session>();

  constructor(handler: Handler) {
    this.h1 = http.createServer(handler);
    this.h1.timeout = HTTP1_IDLE_TIMEOUT_MS;
    this.h1.on(
      "request",
      (req: http.IncomingMessage, res: http.ServerResponse) => {
        const socket = req.socket;
        this.busy.add(socket);
        res.once("close", () => {
          this.busy.delete(socket);
          if (this.closing) socket.end();
        });
      },
    );
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
        this.h1Sockets.add(socket);
        this.h1.emit("connection", socket);
        socket.resume();
      }
    };
    socket.on("data", onData);
  }

  /** Ends HTTP/1 keep-alive connections that wait for no answer. */
  private endIdleHttp1() {
    for (const socket of this.sockets) {
      if (this.h1Sockets.has(socket) && !this.busy.has(socket)) socket.end();
    }
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
    this.closing = true;
    for (const session of this.sessions) session.close();
    for (const socket of this.unrouted) socket.destroy();
    this.endIdleHttp1();
    this.h1.on("request", (_req, res: http.ServerResponse) => {
      if (!res.headersSent) res.setHeader("connection", "close");
    });

    const grace = setTimeout(() => {
      for (const socket of this.sockets) socket.destroy();
    }, graceMs);
    const drained = new Promise<void>((resolve) => {
      const check = setInterval(() => {
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
