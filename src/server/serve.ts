/**
 * Assembles and runs one Corndogs server: store, task service, lease
 * sweeper, API port and ops port; and takes them down in order.
 */
import type { Logger } from "pino";
import { SERVE_SETTINGS, type ServeSettings } from "../config/settings.js";
import { LeaseSweeper } from "../service/lease-sweeper.js";
import { Maintenance } from "../service/maintenance.js";
import { StatsRecorder } from "../service/stats-recorder.js";
import { StatsService } from "../service/stats-service.js";
import { TaskService } from "../service/task-service.js";
import { openStore, redact } from "../store/open-store.js";
import type { TaskStore } from "../store/store.js";
import { ApiListener } from "./api-listener.js";
import { ServerMetrics } from "./metrics.js";
import { OpsServer } from "./ops-server.js";
import { apiRequestHandler } from "./rpc-adapter.js";
import { errorMapping } from "./rpc-errors.js";
import { corndogsRoutes } from "./rpc-service.js";

/** Room for the rest of a request besides its payload (JSON, base64). */
const REQUEST_OVERHEAD_BYTES = 1024 * 1024;

/** Runs `work`; answers whether it finished (or failed) within `ms`. */
async function within(ms: number, work: () => Promise<void>) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = work().then(
    () => true,
    () => true,
  );
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return result;
}

/** A started server. */
export interface RunningServer {
  apiPort: number;
  opsPort: number;
  service: TaskService;
  /** Stops taking requests, lets those in flight finish, closes all. */
  close(): Promise<void>;
}

/** Opens and migrates the store, then starts serving. */
export async function startServer(
  settings: ServeSettings,
  log: Logger,
): Promise<RunningServer> {
  let opened: TaskStore | undefined;
  const migrated = await startupStep(
    "databaseUrl",
    redact(settings.databaseUrl),
    "cannot open the store",
    // Opening is in the step too: SQLite opens its file right away.
    async () => {
      opened = openStore(settings.databaseUrl, {
        prepare: settings.pgPrepare,
      });
      return opened.migrate();
    },
    async () => opened?.close(),
  );
  const store = opened!;
  log.info(
    {
      store: store.kind,
      database_url: redact(settings.databaseUrl),
      migrations_applied: migrated,
    },
    "server: store ready",
  );

  const service = new TaskService(store, {
    maxPayloadBytes: settings.maxPayloadBytes,
  });
  const metrics = new ServerMetrics(settings.metricsMaxQueues);
  metrics.observe(service.events);
  const sweeper = new LeaseSweeper(service, settings.sweepIntervalMs, log);
  const recorder = new StatsRecorder(store, log);
  if (settings.stats) recorder.start(service.events, settings.statsFlushMs);
  const stats = new StatsService(store, recorder);
  const maintenance = new Maintenance(
    store,
    {
      intervalMs: settings.maintenanceIntervalMs,
      archiveRetentionHours: settings.archiveRetentionHours,
      historyRetentionHours: settings.historyRetentionHours,
      onLiveCounts: (counts, now) =>
        counts ? metrics.setLiveCounts(counts, now) : metrics.clearLiveCounts(),
    },
    log,
  );
  const stopListening = settings.pgNotify
    ? await store.listenForWaiting?.((queue, state, n) =>
        service.waiters.wake(queue, state, n),
      )
    : undefined;

  const api = new ApiListener(
    apiRequestHandler(
      {
        routes: corndogsRoutes(service, stats),
        // Outermost first: metrics see the status the client gets.
        interceptors: [metrics.interceptor(), errorMapping(log)],
        onRefused: (method, code) => metrics.countRefused(method, code),
        // JSON carries bytes as base64, 4/3 of their size.
        readMaxBytes:
          Math.ceil((settings.maxPayloadBytes * 4) / 3) +
          REQUEST_OVERHEAD_BYTES,
        jsonOptions: { ignoreUnknownFields: false },
        // gzip cost a tenth of the server's CPU (and more of the workers')
        // on task-sized answers; only answers over 1 MiB are worth it.
        compressMinBytes: 1024 * 1024,
      },
      log,
    ),
  );
  const ops = new OpsServer(store, metrics.registry, log);

  // Undoes what is running by now when a port cannot be bound (the
  // sweeper and maintenance start only after both are).
  const closeAll = async () => {
    await Promise.allSettled([api.close(0), ops.close()]);
    await recorder.stop();
    await stopListening?.();
    await store.close();
  };
  const apiPort = await startupStep(
    "listen",
    `${settings.listen.host}:${settings.listen.port}`,
    "cannot listen",
    () => api.listen(settings.listen.host, settings.listen.port),
    closeAll,
  );
  const opsPort = await startupStep(
    "httpListen",
    `${settings.httpListen.host}:${settings.httpListen.port}`,
    "cannot listen",
    () => ops.listen(settings.httpListen.host, settings.httpListen.port),
    closeAll,
  );
  sweeper.start();
  maintenance.start();
  log.info({ api_port: apiPort, ops_port: opsPort }, "server: listening");

  return {
    apiPort,
    opsPort,
    service,
    async close() {
      ops.markShuttingDown();
      service.stopWaiting();
      await api.close(settings.shutdownGraceMs);
      // Background work may be stuck on a database that stopped
      // answering: give it the grace period, then leave anyway.
      const finished = await within(settings.shutdownGraceMs, async () => {
        await sweeper.stop();
        await maintenance.stop();
        await recorder.stop();
        await stopListening?.();
        await store.close();
      });
      if (!finished) log.warn("server: background work did not stop in time");
      await ops.close();
      log.info("server: stopped");
    },
  };
}

/**
 * Runs a start-up step that depends on one setting. A failure becomes an
 * error whose message names the setting (variable and flag) and its
 * value, with the cause's own message, after `undo` released what was
 * opened so far: an operator sees what to fix, not only a stack.
 */
async function startupStep<T>(
  setting: keyof ServeSettings,
  value: string,
  what: string,
  step: () => Promise<T>,
  undo: () => Promise<unknown>,
): Promise<T> {
  try {
    return await step();
  } catch (cause) {
    await undo().catch(() => undefined);
    const { env, flag } = SERVE_SETTINGS[setting];
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`${what} at ${env} (${flag}) ${value}: ${reason}`, {
      cause,
    });
  }
}
