-- Hands back a task claimed for a caller who left before getting it (a
-- long poll whose client disconnected): as if the claim had not happened,
-- the states swap back, the lease and token are cleared and the attempt
-- is not counted. Only a row still held by that claim changes.
-- Parameters: :uuid, :claim_token
UPDATE tasks SET
  current_state = auto_target_state,
  auto_target_state = current_state,
  in_flight = 0,
  deadline = NULL,
  claim_token = '',
  claim_count = claim_count - 1,
  update_time = CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000
WHERE uuid = :uuid AND claim_token = :claim_token AND in_flight = 1
