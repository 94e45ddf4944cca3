-- Moves live tasks to the archive under their guards, in one statement:
-- removes them, then archives them without their payload, with both
-- states set to $5 and the state each left as from_state. The work took
-- from the claim until now if the task was in flight, else 0.
-- (Takes the place of SQLite's task_delete + archived_task_insert.)
-- Parameters: $1 uuid[], $2 queue[], $3 current_state[], $4 claim_token[]
--   ('' = unchecked), parallel arrays, one guard per task;
--   $5 final_state ('completed' or 'canceled')
-- Returns: the archived tasks; a task whose guard did not match is missing.
WITH guards AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
    AS g(uuid, queue, current_state, claim_token)
),
removed AS (
  DELETE FROM {{schema}}.tasks AS t
  USING guards AS g
  WHERE t.uuid = g.uuid AND t.queue = g.queue
    AND t.current_state = g.current_state
    AND (g.claim_token = '' OR t.claim_token = g.claim_token)
  RETURNING t.*
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
