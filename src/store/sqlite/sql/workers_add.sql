-- Records a worker seen, adding to its counts.
-- Parameters: :queue, :worker_id, :first_seen, :last_seen, :claims,
--   :completions, :timeouts
INSERT INTO workers (
  queue, worker_id, first_seen, last_seen, claims, completions, timeouts
)
VALUES (
  :queue, :worker_id, :first_seen, :last_seen, :claims, :completions,
  :timeouts
)
ON CONFLICT (queue, worker_id) DO UPDATE SET
  first_seen = min(first_seen, excluded.first_seen),
  last_seen = max(last_seen, excluded.last_seen),
  claims = claims + excluded.claims,
  completions = completions + excluded.completions,
  timeouts = timeouts + excluded.timeouts
