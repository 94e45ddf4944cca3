/**
 * Listens for the "tasks are waiting" notifications that the
 * notify_waiting trigger sends (migration 0002), on a dedicated
 * connection outside the pool, and reconnects when it drops. Missing a
 * notification only delays a long-poll claim until its next poll.
 */
import pg from "pg";

/** Called with each notification: `count` tasks wait in queue and state. */
export type WaitingListener = (
  queue: string,
  state: string,
  count: number,
) => void;

const RECONNECT_DELAY_MS = 1000;

/** A running listener; `close()` stops it. */
export class WaitingNotifications {
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly onWaiting: WaitingListener,
  ) {}

  /** Connects and listens; resolves once listening (or first failure). */
  async start(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: "corndogs-listener",
      connectionTimeoutMillis: 5_000,
    });
    this.client = client;
    client.on("notification", (message) => this.dispatch(message.payload));
    client.on("error", () => this.reconnect(client));
    client.on("end", () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch {
      this.reconnect(client);
    }
  }

  private dispatch(payload: string | undefined) {
    const [count, state, ...queue] = (payload ?? "").split("\n");
    if (state === undefined || queue.length === 0) return;
    this.onWaiting(queue.join("\n"), state, Number(count) || 1);
  }

  private reconnect(client: pg.Client) {
    if (this.closed || this.client !== client || this.retry) return;
    this.client = undefined;
    client.end().catch(() => {});
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, RECONNECT_DELAY_MS);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
