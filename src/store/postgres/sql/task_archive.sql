-- Moves a live task to the archive under its guard, in one statement:
-- removes it, then archives it without its payload, with both states set
-- to $5 and the state it left as from_state. The work took from the
-- claim until now if it was in flight, else 0.
-- (Takes the place of SQLite's task_delete + archived_task_insert.)
-- Parameters: $1 uuid, $2 queue, $3 current_state, $4 claim_token
--   ('' = unchecked), $5 final_state ('completed' or 'canceled')
-- Returns: the archived task, or nothing when the guard did not match.
WITH removed AS (
  DELETE FROM {{schema}}.tasks
  WHERE uuid = $1::uuid AND queue = $2::text AND current_state = $3::text
    AND ($4::text = '' OR claim_token = $4::text)
  RETURNING *
)
INSERT INTO {{schema}}.archived_tasks (
  uuid, queue, current_state, auto_target_state, from_state,
  submit_time, update_time, timeout, priority, worker_id,
  claim_count, claim_time, complete_time, work_duration
)
SELECT
  uuid, queue, $5::text, $5::text, current_state,
  submit_time, {{schema}}.now_ns(), timeout, priority, worker_id,
  claim_count, claim_time, {{schema}}.now_ns(),
  CASE WHEN in_flight THEN {{schema}}.now_ns() - claim_time ELSE 0 END
FROM removed
RETURNING *
