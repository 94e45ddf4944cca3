-- Creates a waiting task.
-- Parameters: $1 uuid, $2 queue, $3 current_state, $4 auto_target_state,
--   $5 timeout, $6 priority, $7 payload
-- Returns: the task.
INSERT INTO {{schema}}.tasks (
  uuid, queue, current_state, auto_target_state,
  submit_time, update_time, timeout, priority, payload
)
VALUES (
  $1::uuid, $2::text, $3::text, $4::text,
  {{schema}}.now_ns(), {{schema}}.now_ns(),
  $5::bigint, $6::bigint, $7::bytea
)
RETURNING *
