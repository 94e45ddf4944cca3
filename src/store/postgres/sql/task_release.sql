-- Hands back tasks that were claimed for a caller who left before getting
-- them (a long poll whose client disconnected): as if the claim had not
-- happened, the task is back in the state it was claimed from with the
-- target it had, the lease and token are cleared and the attempt is not
-- counted. Only rows still held by that claim change.
-- Parameters: $1 uuid[], $2 queue[], $3 claim_token[],
--   $4 claimed_from_state[] (parallel arrays)
-- Returns: the uuids handed back.
UPDATE {{schema}}.tasks AS t SET
  current_state = r.claimed_from_state,
  auto_target_state = t.prior_target_state,
  in_flight = false,
  deadline = NULL,
  claim_token = '',
  claim_count = t.claim_count - 1,
  -- A task never claimed before shows no worker; an earlier claim's
  -- worker and time are not kept, so a re-claim keeps the undone one's.
  worker_id = CASE WHEN t.claim_count = 1 THEN '' ELSE t.worker_id END,
  claim_time = CASE WHEN t.claim_count = 1 THEN 0 ELSE t.claim_time END,
  update_time = {{schema}}.now_ns()
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
  AS r(uuid, queue, claim_token, claimed_from_state)
WHERE t.uuid = r.uuid AND t.queue = r.queue
  AND t.claim_token = r.claim_token AND t.in_flight
RETURNING t.uuid
