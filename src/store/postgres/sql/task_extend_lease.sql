-- Re-arms the lease of a task in flight, guarded by its claim token: the
-- deadline becomes now + $4 seconds, or now + the task's own timeout when
-- $4 is 0 (a task without a timeout of its own
-- keeps the deadline it has).
-- Parameters: $1 uuid, $2 queue, $3 claim_token, $4 timeout
-- Returns: the task, or nothing when the guard did not match.
UPDATE {{schema}}.tasks SET
  deadline = CASE
    WHEN $4::bigint > 0 THEN {{schema}}.now_ns() + $4::bigint * 1000000000
    WHEN timeout > 0 THEN {{schema}}.now_ns() + timeout * 1000000000
    ELSE deadline
  END,
  update_time = {{schema}}.now_ns()
WHERE uuid = $1::uuid AND queue = $2::text AND claim_token = $3::text
  AND in_flight
RETURNING *
