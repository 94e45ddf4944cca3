-- Claims the waiting tasks picked by task_claim_candidates: swaps the
-- states (or applies the overrides), marks them in flight, arms the
-- deadline, records the worker and issues a new claim token. Runs in the
-- same transaction as the pick; SQLite has one writer at a time, so
-- nobody else can claim the tasks in between.
-- Parameters: :seqs (a JSON array of seq), :override_current_state,
--   :override_auto_target_state, :override_timeout (>0 lease, <0 none,
--   0 the task's own), :worker_id, :workers (a JSON object from seq to
--   worker id, when one statement serves several claims; others get
--   :worker_id)
-- Returns: the claimed tasks, in no particular order.
UPDATE tasks SET
  current_state = CASE WHEN :override_current_state <> ''
    THEN :override_current_state ELSE auto_target_state END,
  auto_target_state = CASE WHEN :override_auto_target_state <> ''
    THEN :override_auto_target_state ELSE current_state END,
  prior_target_state = auto_target_state,
  in_flight = 1,
  deadline = CASE
    WHEN :override_timeout > 0 THEN CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000 + :override_timeout * 1000000000
    WHEN :override_timeout < 0 OR timeout = 0 THEN NULL
    ELSE CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000 + timeout * 1000000000
  END,
  claim_token = lower(hex(randomblob(16))),
  worker_id = coalesce(
    json_extract(:workers, '$."' || seq || '"'), :worker_id),
  claim_count = claim_count + 1,
  claim_time = CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000,
  update_time = CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000
WHERE seq IN (SELECT value FROM json_each(:seqs)) AND in_flight = 0
RETURNING *
