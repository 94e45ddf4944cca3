-- Live tasks, archived tasks and the database clock, in the schema that
-- replaces {{schema}} (an escaped identifier, "corndogs" by default).
-- Times are Unix nanoseconds from the database clock; `seq` breaks ties
-- between tasks submitted at the same instant.

-- The database clock in Unix nanoseconds (microsecond resolution). now()
-- is the transaction's start, so one statement or transaction sees one
-- instant, as SQLite's 'now' does within a statement.
CREATE FUNCTION {{schema}}.now_ns() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT (extract(epoch FROM now()) * 1000000000)::bigint $$;

CREATE TABLE {{schema}}.tasks (
  seq               bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid              uuid    NOT NULL UNIQUE,
  queue             text    NOT NULL,
  current_state     text    NOT NULL,
  auto_target_state text    NOT NULL,
  submit_time       bigint  NOT NULL,
  update_time       bigint  NOT NULL,
  timeout           bigint  NOT NULL DEFAULT 0,
  priority          bigint  NOT NULL DEFAULT 0,
  payload           bytea   NOT NULL,
  in_flight         boolean NOT NULL DEFAULT false,
  deadline          bigint,
  claim_token       text    NOT NULL DEFAULT '',
  worker_id         text    NOT NULL DEFAULT '',
  claim_count       bigint  NOT NULL DEFAULT 0,
  claim_time        bigint  NOT NULL DEFAULT 0
);

-- The claim's order: only waiting tasks, best first.
CREATE INDEX tasks_waiting
  ON {{schema}}.tasks (queue, current_state, priority DESC, submit_time, seq)
  WHERE NOT in_flight;

-- The sweeper's order: leases by deadline.
CREATE INDEX tasks_deadline ON {{schema}}.tasks (deadline)
  WHERE in_flight AND deadline IS NOT NULL;

-- Completed and canceled tasks, without their payload.
CREATE TABLE {{schema}}.archived_tasks (
  uuid              uuid    PRIMARY KEY,
  queue             text    NOT NULL,
  current_state     text    NOT NULL,
  auto_target_state text    NOT NULL,
  from_state        text    NOT NULL,
  submit_time       bigint  NOT NULL,
  update_time       bigint  NOT NULL,
  timeout           bigint  NOT NULL,
  priority          bigint  NOT NULL,
  worker_id         text    NOT NULL,
  claim_count       bigint  NOT NULL,
  claim_time        bigint  NOT NULL,
  complete_time     bigint  NOT NULL,
  work_duration     bigint  NOT NULL
);

CREATE INDEX archived_tasks_complete_time
  ON {{schema}}.archived_tasks (complete_time);
