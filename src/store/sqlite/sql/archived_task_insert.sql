-- Archives a task removed by task_delete, without its payload.
-- Parameters: the removed task's columns, and :final_state ('completed'
--   or 'canceled')
-- Returns: the archived task.
INSERT INTO archived_tasks (
  uuid, queue, current_state, auto_target_state, from_state,
  submit_time, update_time, timeout, priority, worker_id,
  claim_count, claim_time, complete_time, work_duration
)
VALUES (
  :uuid, :queue, :final_state, :final_state, :current_state,
  :submit_time, CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000, :timeout, :priority, :worker_id,
  :claim_count, :claim_time, CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000,
  CASE WHEN :in_flight THEN CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000 - :claim_time ELSE 0 END
)
RETURNING *
