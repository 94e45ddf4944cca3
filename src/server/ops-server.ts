/**
 * The operations port: `/healthz` (the process is alive), `/readyz` (the
 * database answers and the schema is current; 503 while shutting down) and
 * `/metrics` (Prometheus text format).
 */
import http from "node:http";
import type net from "node:net";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { TaskStore } from "../store/store.js";

export class OpsServer {
  private readonly server: http.Server;
  private shuttingDown = false;

  constructor(
    private readonly store: TaskStore,
    private readonly registry: Registry,
    private readonly log: Logger,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        this.log.error({ err }, "ops: request failed");
        if (!res.headersSent) res.writeHead(500);
        res.end("internal error\n");
      });
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return reply(res, 405, "only GET and HEAD are served here\n");
    }
    switch (path) {
      case "/healthz":
        return reply(res, 200, "ok\n");
      case "/readyz":
        return this.ready(res);
      case "/metrics":
        res.writeHead(200, { "content-type": this.registry.contentType });
        return res.end(await this.registry.metrics());
      default:
        return reply(
          res,
          404,
          "not found: try /healthz, /readyz or /metrics\n",
        );
    }
  }

  private async ready(res: http.ServerResponse) {
    if (this.shuttingDown) return reply(res, 503, "shutting down\n");
    try {
      const schema = await this.store.schemaStatus();
      if (!schema.current) {
        return reply(
          res,
          503,
          `schema not current: ${schema.applied} of ${schema.expected} ` +
            `migrations applied\n`,
        );
      }
      return reply(res, 200, "ready\n");
    } catch (err) {
      this.log.warn({ err }, "ops: database unreachable");
      return reply(res, 503, "database unreachable\n");
    }
  }

  /** Marks the instance as leaving, so `/readyz` answers 503. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function reply(res: http.ServerResponse, status: number, body: string) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
}
