/**
 * Fills a Corndogs PostgreSQL schema with a busy production's worth of
 * rows, straight in SQL: archived tasks, live tasks (waiting and in
 * flight), a day of per-minute history and duration buckets, and
 * workers. Times are spread over the last day of the database clock.
 */
import pg from "pg";

export interface SeedSize {
  archived: number;
  live: number;
  queues: number;
}

const QUEUES = (n: number) => `'queue-' || (g % ${n})`;

/** Seeds `schema` (already migrated) through `url`. */
export async function seed(url: string, schema: string, size: SeedSize) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const s = pg.escapeIdentifier(schema);
  const now = `${s}.now_ns()`;
  const day = "86400000000000";
  try {
    await client.query(`
      INSERT INTO ${s}.archived_tasks (uuid, queue, current_state,
        auto_target_state, from_state, submit_time, update_time, timeout,
        priority, worker_id, claim_count, claim_time, complete_time,
        work_duration)
      SELECT gen_random_uuid(), ${QUEUES(size.queues)}, 'completed',
        'completed', 'submitted-working', t - 5000000000, t, 60, 0,
        'worker-' || (g % 20), 1, t - 2000000000, t, 2000000000
      FROM generate_series(1, ${size.archived}) AS g,
        LATERAL (SELECT ${now} - g::bigint * ${Math.floor(86_400_000_000_000 / size.archived)}
          AS t) AS times`);
    await client.query(`
      INSERT INTO ${s}.tasks (uuid, queue, current_state, auto_target_state,
        submit_time, update_time, timeout, priority, payload, in_flight,
        deadline, claim_token, worker_id, claim_count, claim_time)
      SELECT gen_random_uuid(), ${QUEUES(size.queues)},
        CASE WHEN g % 10 = 0 THEN 'submitted-working'
          ELSE (ARRAY['submitted', 'resize', 'publish'])[1 + g % 3] END,
        'submitted-working', ${now} - g::bigint * 1000000, ${now}, 60, g % 5,
        '\\x7b7d'::bytea, g % 10 = 0,
        CASE WHEN g % 10 = 0 THEN ${now} + 3600000000000 END,
        CASE WHEN g % 10 = 0 THEN md5(g::text) ELSE '' END,
        'worker-' || (g % 20), CASE WHEN g % 10 = 0 THEN 1 ELSE 0 END, 0
      FROM generate_series(1, ${size.live}) AS g`);
    await client.query(`
      INSERT INTO ${s}.task_history (minute, queue, state, event, worker_id,
        count, work_sum, work_max)
      SELECT m, 'queue-' || q, 'submitted-working', e, 'worker-' || w,
        7, 14000000000, 3000000000
      FROM generate_series(0, 1439) AS minute_index,
        LATERAL (SELECT (${now} / 60000000000 - minute_index) * 60000000000
          AS m) AS minutes,
        generate_series(0, ${size.queues - 1}) AS q,
        generate_series(0, 9) AS w,
        unnest(ARRAY['completed', 'timed_out']) AS e`);
    await client.query(`
      INSERT INTO ${s}.work_durations (minute, queue, bucket, count)
      SELECT (${now} / 60000000000 - minute_index) * 60000000000,
        'queue-' || q, b, 3
      FROM generate_series(0, 1439) AS minute_index,
        generate_series(0, ${size.queues - 1}) AS q,
        generate_series(200, 230) AS b`);
    await client.query(`
      INSERT INTO ${s}.workers (queue, worker_id, first_seen, last_seen,
        claims, completions, timeouts)
      SELECT 'queue-' || q, 'worker-' || w, ${now} - ${day},
        ${now} - w * 10000000000, 1000, 990, 10
      FROM generate_series(0, ${size.queues - 1}) AS q,
        generate_series(0, 199) AS w`);
    await client.query(`ANALYZE ${s}.tasks`);
    await client.query(`ANALYZE ${s}.archived_tasks`);
    await client.query(`ANALYZE ${s}.task_history`);
    await client.query(`ANALYZE ${s}.work_durations`);
  } finally {
    await client.end();
  }
}
