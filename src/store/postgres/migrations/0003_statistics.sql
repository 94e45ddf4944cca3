-- Statistics for operators (SPEC §3). Each instance counts events in
-- memory and adds its counts to these per-minute rows every second or
-- so, so a claim or a completion never writes a shared hot row itself.

-- Completions, cancellations and timeouts per minute, queue, state and
-- worker, with the sum and maximum of work durations for completions.
CREATE TABLE {{schema}}.task_history (
  minute    bigint NOT NULL,
  queue     text   NOT NULL,
  state     text   NOT NULL,
  event     text   NOT NULL,
  worker_id text   NOT NULL,
  count     bigint NOT NULL,
  work_sum  bigint NOT NULL DEFAULT 0,
  work_max  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (minute, queue, event, state, worker_id)
);

-- Completions per minute, queue and work-duration bucket (see
-- src/domain/stats.ts), for percentiles.
CREATE TABLE {{schema}}.work_durations (
  minute bigint  NOT NULL,
  queue  text    NOT NULL,
  bucket integer NOT NULL,
  count  bigint  NOT NULL,
  PRIMARY KEY (minute, queue, bucket)
);

-- Workers seen per queue, with their lifetime counts.
CREATE TABLE {{schema}}.workers (
  queue       text   NOT NULL,
  worker_id   text   NOT NULL,
  first_seen  bigint NOT NULL,
  last_seen   bigint NOT NULL,
  claims      bigint NOT NULL DEFAULT 0,
  completions bigint NOT NULL DEFAULT 0,
  timeouts    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (queue, worker_id)
);

CREATE INDEX workers_last_seen ON {{schema}}.workers (last_seen);

-- Named leases between instances: the holder of "maintenance" exports
-- the live-task gauges and prunes old rows, so that only one does.
CREATE TABLE {{schema}}.leases (
  name    text   PRIMARY KEY,
  holder  text   NOT NULL,
  expires bigint NOT NULL
);

-- Live counts per queue and state read the waiting index; in-flight ones
-- this one.
CREATE INDEX tasks_in_flight ON {{schema}}.tasks (queue, current_state)
  WHERE in_flight;

CREATE INDEX archived_tasks_queue_complete_time
  ON {{schema}}.archived_tasks (queue, complete_time);
