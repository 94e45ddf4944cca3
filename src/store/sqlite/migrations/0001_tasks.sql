-- Live tasks. Times are Unix nanoseconds from SQLite's clock; `seq` (the
-- rowid) breaks ties between tasks submitted in the same millisecond.
CREATE TABLE tasks (
  seq               INTEGER PRIMARY KEY,
  uuid              TEXT    NOT NULL UNIQUE,
  queue             TEXT    NOT NULL,
  current_state     TEXT    NOT NULL,
  auto_target_state TEXT    NOT NULL,
  submit_time       INTEGER NOT NULL,
  update_time       INTEGER NOT NULL,
  timeout           INTEGER NOT NULL DEFAULT 0,
  priority          INTEGER NOT NULL DEFAULT 0,
  payload           BLOB    NOT NULL,
  in_flight         INTEGER NOT NULL DEFAULT 0,
  deadline          INTEGER,
  claim_token       TEXT    NOT NULL DEFAULT '',
  worker_id         TEXT    NOT NULL DEFAULT '',
  claim_count       INTEGER NOT NULL DEFAULT 0,
  claim_time        INTEGER NOT NULL DEFAULT 0
);

-- The claim's order: only waiting tasks, best first.
CREATE INDEX tasks_waiting
  ON tasks (queue, current_state, priority DESC, submit_time, seq)
  WHERE in_flight = 0;

-- The sweeper's order: leases by deadline.
CREATE INDEX tasks_deadline ON tasks (deadline)
  WHERE in_flight = 1 AND deadline IS NOT NULL;

-- Completed and canceled tasks, without their payload.
CREATE TABLE archived_tasks (
  uuid              TEXT    PRIMARY KEY,
  queue             TEXT    NOT NULL,
  current_state     TEXT    NOT NULL,
  auto_target_state TEXT    NOT NULL,
  from_state        TEXT    NOT NULL,
  submit_time       INTEGER NOT NULL,
  update_time       INTEGER NOT NULL,
  timeout           INTEGER NOT NULL,
  priority          INTEGER NOT NULL,
  worker_id         TEXT    NOT NULL,
  claim_count       INTEGER NOT NULL,
  claim_time        INTEGER NOT NULL,
  complete_time     INTEGER NOT NULL,
  work_duration     INTEGER NOT NULL
);

CREATE INDEX archived_tasks_complete_time ON archived_tasks (complete_time);
