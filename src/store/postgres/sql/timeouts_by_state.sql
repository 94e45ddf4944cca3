-- Timeouts per queue and state over the minutes in [$1, $2), of queue $3
-- or all when NULL.
SELECT queue, state, sum(count)::bigint AS count
FROM {{schema}}.task_history
WHERE minute >= $1::bigint AND minute < $2::bigint
  AND ($3::text IS NULL OR queue = $3::text) AND event = 'timed_out'
GROUP BY queue, state
ORDER BY queue COLLATE "C", state COLLATE "C"
