-- Removes a live task under its guard, to archive it.
-- Parameters: :uuid, :queue, :current_state, :claim_token ('' = unchecked)
-- Returns: what archived_task_insert needs of the removed task (not its
--   payload), or nothing when the guard did not match.
DELETE FROM tasks
WHERE uuid = :uuid AND queue = :queue AND current_state = :current_state
  AND (:claim_token = '' OR claim_token = :claim_token)
RETURNING uuid, queue, current_state, submit_time, timeout, priority,
  worker_id, claim_count, claim_time, in_flight
