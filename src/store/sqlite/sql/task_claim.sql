-- Claims up to :limit waiting tasks of one queue and state, best first:
-- swaps the states (or applies the overrides), marks them in flight,
-- arms the deadline, records the worker and issues a new claim token.
-- SQLite runs one writer at a time, so the statement is atomic.
-- Parameters: :queue, :current_state, :limit, :override_current_state,
--   :override_auto_target_state, :override_timeout (>0 lease, <0 none,
--   0 the task's own), :worker_id
-- Returns: the claimed tasks, in no particular order.
UPDATE tasks SET
  current_state = CASE WHEN :override_current_state <> ''
    THEN :override_current_state ELSE auto_target_state END,
  auto_target_state = CASE WHEN :override_auto_target_state <> ''
    THEN :override_auto_target_state ELSE current_state END,
  in_flight = 1,
  deadline = CASE
    WHEN :override_timeout > 0 THEN CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000 + :override_timeout * 1000000000
    WHEN :override_timeout < 0 OR timeout = 0 THEN NULL
    ELSE CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000 + timeout * 1000000000
  END,
  claim_token = lower(hex(randomblob(16))),
  worker_id = :worker_id,
  claim_count = claim_count + 1,
  claim_time = CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000,
  update_time = CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000
WHERE seq IN (
  SELECT seq FROM tasks
  WHERE queue = :queue AND current_state = :current_state AND in_flight = 0
  ORDER BY priority DESC, submit_time, seq
  LIMIT :limit
)
RETURNING *
