-- The longest work duration per queue over the minutes in [$1, $2), of
-- queue $3 or all when NULL.
SELECT queue, max(work_max) AS work_max
FROM {{schema}}.task_history
WHERE minute >= $1::bigint AND minute < $2::bigint
  AND ($3::text IS NULL OR queue = $3::text) AND event = 'completed'
GROUP BY queue
