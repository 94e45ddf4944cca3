-- Sends back to waiting up to $3 in-flight tasks whose deadline is at or
-- before $1 (0 = now), of queue $2 or of every queue when NULL: the
-- states swap back, the lease and its token are cleared, the timeout
-- value stays. Candidates are locked with SKIP LOCKED, so several
-- sweepers share the work; the UPDATE checks again that each row is still
-- held under the same claim, in the same state, in flight and expired, so
-- a completion or update landing during the sweep is never undone.
-- Parameters: $1 at_time, $2 queue (NULL = all), $3 limit
-- Returns: the tasks sent back (uuid, queue, state, worker_id), with the
--   worker that held them.
WITH candidates AS (
  SELECT seq, claim_token, current_state, worker_id
  FROM {{schema}}.tasks
  WHERE in_flight
    AND deadline <= CASE WHEN $1::bigint = 0
      THEN {{schema}}.now_ns() ELSE $1::bigint END
    AND ($2::text IS NULL OR queue = $2::text)
  ORDER BY deadline, seq
  LIMIT $3::integer
  FOR UPDATE SKIP LOCKED
)
UPDATE {{schema}}.tasks AS t SET
  current_state = t.auto_target_state,
  auto_target_state = t.current_state,
  in_flight = false,
  deadline = NULL,
  claim_token = '',
  update_time = {{schema}}.now_ns()
FROM candidates AS c
WHERE t.seq = c.seq
  AND t.claim_token = c.claim_token
  AND t.current_state = c.current_state
  AND t.in_flight
  AND t.deadline <= CASE WHEN $1::bigint = 0
    THEN {{schema}}.now_ns() ELSE $1::bigint END
RETURNING t.uuid, t.queue, t.current_state AS state, c.worker_id,
  t.update_time AS at
