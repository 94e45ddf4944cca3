-- Workers last seen at or after $1, of queue $2 or all when NULL.
SELECT queue, worker_id, first_seen, last_seen, claims, completions,
  timeouts
FROM {{schema}}.workers
WHERE last_seen >= $1::bigint AND ($2::text IS NULL OR queue = $2::text)
ORDER BY queue COLLATE "C", worker_id COLLATE "C"
