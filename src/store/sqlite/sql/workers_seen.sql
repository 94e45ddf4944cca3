-- Workers last seen at or after :since, of :queue or all when NULL.
SELECT queue, worker_id, first_seen, last_seen, claims, completions,
  timeouts
FROM workers
WHERE last_seen >= :since AND (:queue IS NULL OR queue = :queue)
ORDER BY queue, worker_id
