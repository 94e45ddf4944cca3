-- Applies a guarded update. The task goes back to waiting, unless
-- $11 keep_in_flight, which keeps the claim and re-arms the deadline.
-- Parameters: $1 uuid, $2 queue, $3 current_state, $4 claim_token
--   ('' = unchecked), $5 new_state, $6 auto_target_state ('' = keep),
--   $7 timeout (-1 = keep the task's own), $8 priority, $9 has_payload, $10 payload,
--   $11 keep_in_flight
-- Returns: the task, or nothing when the guard did not match.
UPDATE {{schema}}.tasks SET
  current_state = $5::text,
  auto_target_state = CASE WHEN $6::text <> ''
    THEN $6::text ELSE auto_target_state END,
  timeout = CASE WHEN $7::bigint < 0 THEN timeout ELSE $7::bigint END,
  priority = $8::bigint,
  payload = CASE WHEN $9::boolean THEN $10::bytea ELSE payload END,
  in_flight = $11::boolean,
  deadline = CASE WHEN $11::boolean AND (CASE WHEN $7::bigint < 0 THEN timeout ELSE $7::bigint END) > 0
    THEN {{schema}}.now_ns() + (CASE WHEN $7::bigint < 0 THEN timeout ELSE $7::bigint END) * 1000000000 END,
  claim_token = CASE WHEN $11::boolean THEN claim_token ELSE '' END,
  update_time = {{schema}}.now_ns()
WHERE uuid = $1::uuid AND queue = $2::text AND current_state = $3::text
  AND ($4::text = '' OR claim_token = $4::text)
  AND (NOT $11::boolean OR in_flight)
RETURNING *
