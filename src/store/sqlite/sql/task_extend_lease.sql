-- Re-arms the lease of a task in flight, guarded by its claim token: the
-- deadline becomes now + :timeout seconds, or now + the task's own
-- timeout when :timeout is 0 (a task without a timeout of its own
-- keeps the deadline it has).
-- Parameters: :uuid, :queue, :claim_token, :timeout
-- Returns: the task, or nothing when the guard did not match.
UPDATE tasks SET
  deadline = CASE
    WHEN :timeout > 0 THEN CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000 + :timeout * 1000000000
    WHEN timeout > 0 THEN CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000 + timeout * 1000000000
    ELSE deadline
  END,
  update_time = CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000
WHERE uuid = :uuid AND queue = :queue AND claim_token = :claim_token
  AND in_flight = 1
RETURNING *
