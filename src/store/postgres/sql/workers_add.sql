-- Records workers seen, adding to their counts.
-- Parameters: parallel arrays $1 queue[], $2 worker_id[], $3 first_seen[],
--   $4 last_seen[], $5 claims[], $6 completions[], $7 timeouts[]
INSERT INTO {{schema}}.workers AS w (
  queue, worker_id, first_seen, last_seen, claims, completions, timeouts
)
SELECT * FROM unnest(
  $1::text[], $2::text[], $3::bigint[], $4::bigint[],
  $5::bigint[], $6::bigint[], $7::bigint[]
)
ON CONFLICT (queue, worker_id) DO UPDATE SET
  first_seen = least(w.first_seen, excluded.first_seen),
  last_seen = greatest(w.last_seen, excluded.last_seen),
  claims = w.claims + excluded.claims,
  completions = w.completions + excluded.completions,
  timeouts = w.timeouts + excluded.timeouts
