-- Sends back to waiting up to :limit in-flight tasks whose deadline is at
-- or before :at_time (0 = now), of :queue or of every queue when NULL: the
-- states swap back, the lease and its token are cleared, the timeout
-- value stays. SQLite runs one writer at a time, so a completion can never
-- interleave with this statement.
-- Returns: the tasks sent back, with the worker that held them and when.
UPDATE tasks SET
  current_state = auto_target_state,
  auto_target_state = current_state,
  in_flight = 0,
  deadline = NULL,
  claim_token = '',
  update_time = CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000
WHERE seq IN (
  SELECT seq FROM tasks
  WHERE in_flight = 1
    AND deadline <= CASE WHEN :at_time = 0 THEN CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000 ELSE :at_time END
    AND (:queue IS NULL OR queue = :queue)
  ORDER BY deadline
  LIMIT :limit
)
RETURNING uuid, queue, current_state AS state, worker_id, update_time AS at
