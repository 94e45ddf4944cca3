-- Timeouts per queue and worker over the minutes in [$1, $2), of queue
-- $3 or all when NULL.
SELECT queue, worker_id, sum(count)::bigint AS count
FROM {{schema}}.task_history
WHERE minute >= $1::bigint AND minute < $2::bigint
  AND ($3::text IS NULL OR queue = $3::text) AND event = 'timed_out'
GROUP BY queue, worker_id
ORDER BY queue COLLATE "C", worker_id COLLATE "C"
