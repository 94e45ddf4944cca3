-- Copies live tasks to the archive under their guards, in one statement,
-- without their payload: both states set to :final_state, the state each
-- left as from_state. The work took from the claim until now if the task
-- was in flight, else 0. task_remove then deletes the live rows, in the
-- same transaction. One statement for a whole batch instead of two per
-- task halves the cost of a batch completion.
-- Parameters: :guards (a JSON array of [uuid, queue, current_state,
--   claim_token] arrays, claim_token '' = unchecked; no uuid twice),
--   :final_state ('completed' or 'canceled')
-- Returns: the archived tasks; a task whose guard did not match is missing.
INSERT INTO archived_tasks (
  uuid, queue, current_state, auto_target_state, from_state,
  submit_time, update_time, timeout, priority, worker_id,
  claim_count, claim_time, complete_time, work_duration
)
SELECT
  t.uuid, t.queue, :final_state, :final_state, t.current_state,
  t.submit_time, CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000,
  t.timeout, t.priority, t.worker_id, t.claim_count, t.claim_time,
  CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000,
  CASE WHEN t.in_flight
    THEN CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000 - t.claim_time
    ELSE 0 END
FROM json_each(:guards) AS g
JOIN tasks AS t
  ON t.uuid = g.value ->> 0 AND t.queue = g.value ->> 1
  AND t.current_state = g.value ->> 2
  AND (g.value ->> 3 = '' OR t.claim_token = g.value ->> 3)
RETURNING *
