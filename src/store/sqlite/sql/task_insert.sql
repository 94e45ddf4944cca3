-- Creates a waiting task.
-- Parameters: :uuid, :queue, :current_state, :auto_target_state, :timeout,
--   :priority, :payload
-- Returns: the task.
INSERT INTO tasks (
  uuid, queue, current_state, auto_target_state,
  submit_time, update_time, timeout, priority, payload
)
VALUES (
  :uuid, :queue, :current_state, :auto_target_state,
  CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000, CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000,
  :timeout, :priority, :payload
)
RETURNING *
