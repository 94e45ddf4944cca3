-- Events per minute, queue and kind over the minutes in [$1, $2), of
-- queue $3 or all when NULL.
SELECT minute, queue, event, sum(count)::bigint AS count
FROM {{schema}}.task_history
WHERE minute >= $1::bigint AND minute < $2::bigint
  AND ($3::text IS NULL OR queue = $3::text)
GROUP BY minute, queue, event
