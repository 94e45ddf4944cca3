-- Claims up to $3 waiting tasks in state $2 across the queues $1, best
-- first (priority, then submit time, then submission order): swaps the
-- states (or applies the overrides), marks them in flight, arms the
-- deadline, records the worker and issues a new claim token.
-- Each queue's candidates come from its own walk of the waiting index
-- (LATERAL), so a big queue is never sorted; FOR UPDATE SKIP LOCKED makes
-- concurrent claimers take different tasks without waiting on each other.
-- Parameters: $1 queues (text[]), $2 current_state, $3 limit,
--   $4 override_current_state, $5 override_auto_target_state,
--   $6 override_timeout (>0 lease, <0 none, 0 the task's own), $7 worker_id,
--   $8 worker_ids (text[]: the worker of the n-th task in claim order,
--   when one statement serves several claims; beyond it, $7)
-- Returns: the claimed tasks (with seq), in no particular order.
WITH candidates AS (
  SELECT c.seq, c.priority, c.submit_time
  FROM unnest($1::text[]) AS q(queue)
  CROSS JOIN LATERAL (
    SELECT seq, priority, submit_time FROM {{schema}}.tasks
    WHERE queue = q.queue AND current_state = $2::text AND NOT in_flight
    ORDER BY priority DESC, submit_time, seq
    LIMIT $3::integer
    FOR UPDATE SKIP LOCKED
  ) AS c
),
picked AS (
  SELECT seq,
    row_number() OVER (ORDER BY priority DESC, submit_time, seq) AS n
  FROM candidates
  ORDER BY priority DESC, submit_time, seq
  LIMIT $3::integer
)
UPDATE {{schema}}.tasks AS t SET
  current_state = CASE WHEN $4::text <> ''
    THEN $4::text ELSE t.auto_target_state END,
  auto_target_state = CASE WHEN $5::text <> ''
    THEN $5::text ELSE t.current_state END,
  prior_target_state = t.auto_target_state,
  in_flight = true,
  deadline = CASE
    WHEN $6::bigint > 0 THEN {{schema}}.now_ns() + $6::bigint * 1000000000
    WHEN $6::bigint < 0 OR t.timeout = 0 THEN NULL
    ELSE {{schema}}.now_ns() + t.timeout * 1000000000
  END,
  claim_token = replace(gen_random_uuid()::text, '-', ''),
  worker_id = coalesce(($8::text[])[picked.n::integer], $7::text),
  claim_count = t.claim_count + 1,
  claim_time = {{schema}}.now_ns(),
  update_time = {{schema}}.now_ns()
FROM picked
WHERE t.seq = picked.seq
RETURNING t.*
