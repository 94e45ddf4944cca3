-- Creates many waiting tasks in one statement.
-- Parameters: $1 uuid[], $2 queue[], $3 current_state[],
--   $4 auto_target_state[], $5 timeout[], $6 priority[], $7 payload[]
--   (parallel arrays, one entry per task, inserted in array order)
-- Returns: the tasks (match them to the request by uuid).
INSERT INTO {{schema}}.tasks (
  uuid, queue, current_state, auto_target_state,
  submit_time, update_time, timeout, priority, payload
)
SELECT
  i.uuid, i.queue, i.current_state, i.auto_target_state,
  {{schema}}.now_ns(), {{schema}}.now_ns(), i.timeout, i.priority, i.payload
FROM unnest(
  $1::uuid[], $2::text[], $3::text[], $4::text[],
  $5::bigint[], $6::bigint[], $7::bytea[]
) WITH ORDINALITY AS i(
  uuid, queue, current_state, auto_target_state,
  timeout, priority, payload, n
)
ORDER BY i.n
RETURNING *
