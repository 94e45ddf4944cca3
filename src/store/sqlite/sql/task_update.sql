-- Applies a guarded update. The task goes back to waiting, unless
-- :keep_in_flight, which keeps the claim and re-arms the deadline.
-- Parameters: :uuid, :queue, :current_state, :claim_token ('' = unchecked),
--   :new_state, :auto_target_state ('' = keep), :timeout (-1 = keep the
--   task's own), :priority,
--   :has_payload, :payload, :keep_in_flight
-- Returns: the task, or nothing when the guard did not match.
UPDATE tasks SET
  current_state = :new_state,
  auto_target_state = CASE WHEN :auto_target_state <> ''
    THEN :auto_target_state ELSE auto_target_state END,
  timeout = (CASE WHEN :timeout < 0 THEN timeout ELSE :timeout END),
  priority = :priority,
  payload = CASE WHEN :has_payload THEN :payload ELSE payload END,
  in_flight = :keep_in_flight,
  deadline = CASE WHEN :keep_in_flight AND (CASE WHEN :timeout < 0 THEN timeout ELSE :timeout END) > 0
    THEN CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000
      + (CASE WHEN :timeout < 0 THEN timeout ELSE :timeout END) * 1000000000 END,
  claim_token = CASE WHEN :keep_in_flight THEN claim_token ELSE '' END,
  update_time = CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000
WHERE uuid = :uuid AND queue = :queue AND current_state = :current_state
  AND (:claim_token = '' OR claim_token = :claim_token)
  AND (:keep_in_flight = 0 OR in_flight = 1)
RETURNING *
