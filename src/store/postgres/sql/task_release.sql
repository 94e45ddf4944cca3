-- Hands back tasks that were claimed for a caller who left before getting
-- them (a long poll whose client disconnected): as if the claim had not
-- happened, the states swap back, the lease and token are cleared and
-- the attempt is not counted. Only rows still held by that claim change.
-- Parameters: $1 uuid[], $2 claim_token[] (parallel arrays)
-- Returns: the uuids handed back.
UPDATE {{schema}}.tasks AS t SET
  current_state = t.auto_target_state,
  auto_target_state = t.current_state,
  in_flight = false,
  deadline = NULL,
  claim_token = '',
  claim_count = t.claim_count - 1,
  update_time = {{schema}}.now_ns()
FROM unnest($1::uuid[], $2::text[]) AS r(uuid, claim_token)
WHERE t.uuid = r.uuid AND t.claim_token = r.claim_token AND t.in_flight
RETURNING t.uuid
