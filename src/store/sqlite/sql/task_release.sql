-- Hands back a task claimed for a caller who left before getting it (a
-- long poll whose client disconnected): as if the claim had not happened,
-- the task is back in the state it was claimed from with the target it
-- had, the lease and token are cleared and the attempt is not counted.
-- Only a row still held by that claim changes.
-- Parameters: :uuid, :queue, :claim_token, :claimed_from_state
-- Returns: the uuid when the task was handed back.
UPDATE tasks SET
  current_state = :claimed_from_state,
  auto_target_state = prior_target_state,
  in_flight = 0,
  deadline = NULL,
  claim_token = '',
  claim_count = claim_count - 1,
  -- A task never claimed before shows no worker; an earlier claim's
  -- worker and time are not kept, so a re-claim keeps the undone one's.
  worker_id = CASE WHEN claim_count = 1 THEN '' ELSE worker_id END,
  claim_time = CASE WHEN claim_count = 1 THEN 0 ELSE claim_time END,
  update_time = CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000
WHERE uuid = :uuid AND queue = :queue AND claim_token = :claim_token
  AND in_flight = 1
RETURNING uuid
