-- Creates a task for a claim that is waiting for one (a long poll of this
-- instance): when no task at least as good already waits in the claim's
-- queues and state, the task is created claimed, as task_claim would
-- leave it; otherwise it is created waiting and the claim looks as usual.
-- One statement instead of an insert and a claim: the wait for a new
-- task costs one round trip and one commit. The check is MATERIALIZED:
-- inlined, it would be planned once per column that reads `claimed`,
-- which made planning most of the statement's time.
-- Parameters: $1 uuid, $2 queue, $3 current_state, $4 auto_target_state,
--   $5 timeout, $6 priority, $7 payload, then the claim's: $8 queues
--   (text[]), $9 override_current_state, $10 override_auto_target_state,
--   $11 override_timeout (>0 lease, <0 none, 0 the task's own), $12 worker_id
-- Returns: the task, in flight if it was claimed.
WITH hand_off AS MATERIALIZED (
  SELECT NOT EXISTS (
    SELECT 1 FROM {{schema}}.tasks
    WHERE queue = ANY($8::text[]) AND current_state = $3::text
      AND NOT in_flight AND priority >= $6::bigint
  ) AS claimed
)
INSERT INTO {{schema}}.tasks (
  uuid, queue, current_state, auto_target_state, prior_target_state,
  submit_time, update_time, timeout, priority, payload,
  in_flight, deadline, claim_token, worker_id, claim_count, claim_time
)
SELECT
  $1::uuid, $2::text,
  CASE WHEN NOT claimed THEN $3::text
    WHEN $9::text <> '' THEN $9::text ELSE $4::text END,
  CASE WHEN NOT claimed THEN $4::text
    WHEN $10::text <> '' THEN $10::text ELSE $3::text END,
  CASE WHEN claimed THEN $4::text ELSE '' END,
  {{schema}}.now_ns(), {{schema}}.now_ns(),
  $5::bigint, $6::bigint, $7::bytea,
  claimed,
  CASE
    WHEN NOT claimed THEN NULL
    WHEN $11::bigint > 0 THEN {{schema}}.now_ns() + $11::bigint * 1000000000
    WHEN $11::bigint < 0 OR $5::bigint = 0 THEN NULL
    ELSE {{schema}}.now_ns() + $5::bigint * 1000000000
  END,
  CASE WHEN claimed THEN replace(gen_random_uuid()::text, '-', '') ELSE '' END,
  CASE WHEN claimed THEN $12::text ELSE '' END,
  CASE WHEN claimed THEN 1 ELSE 0 END,
  CASE WHEN claimed THEN {{schema}}.now_ns() ELSE 0 END
FROM hand_off
RETURNING *
