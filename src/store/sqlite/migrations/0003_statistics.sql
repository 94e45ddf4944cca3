-- Statistics for operators (SPEC §3). Each instance counts events in
-- memory and adds its counts to these per-minute rows every second or
-- so, so a claim or a completion never writes a shared hot row itself.

-- Completions, cancellations and timeouts per minute, queue, state and
-- worker, with the sum and maximum of work durations for completions.
CREATE TABLE task_history (
  minute    INTEGER NOT NULL,
  queue     TEXT   NOT NULL,
  state     TEXT   NOT NULL,
  event     TEXT   NOT NULL,
  worker_id TEXT   NOT NULL,
  count     INTEGER NOT NULL,
  work_sum  INTEGER NOT NULL DEFAULT 0,
  work_max  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (minute, queue, event, state, worker_id)
);

-- Completions per minute, queue and work-duration bucket (see
-- src/domain/stats.ts), for percentiles.
CREATE TABLE work_durations (
  minute INTEGER  NOT NULL,
  queue  TEXT    NOT NULL,
  bucket INTEGER NOT NULL,
  count  INTEGER  NOT NULL,
  PRIMARY KEY (minute, queue, bucket)
);

-- Workers seen per queue, with their lifetime counts.
CREATE TABLE workers (
  queue       TEXT   NOT NULL,
  worker_id   TEXT   NOT NULL,
  first_seen  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  claims      INTEGER NOT NULL DEFAULT 0,
  completions INTEGER NOT NULL DEFAULT 0,
  timeouts    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (queue, worker_id)
);

CREATE INDEX workers_last_seen ON workers (last_seen);

-- Named leases between instances: the holder of "maintenance" exports
-- the live-task gauges and prunes old rows, so that only one does.
CREATE TABLE leases (
  name    TEXT   PRIMARY KEY,
  holder  TEXT   NOT NULL,
  expires INTEGER NOT NULL
);

-- Live counts per queue and state read the waiting index; in-flight ones
-- this one.
CREATE INDEX tasks_in_flight ON tasks (queue, current_state)
  WHERE in_flight = 1;

CREATE INDEX archived_tasks_queue_complete_time
  ON archived_tasks (queue, complete_time);
