-- Completions per queue and duration bucket over the minutes in [$1, $2),
-- of queue $3 or all when NULL.
SELECT queue, bucket, sum(count)::bigint AS count
FROM {{schema}}.work_durations
WHERE minute >= $1::bigint AND minute < $2::bigint
  AND ($3::text IS NULL OR queue = $3::text)
GROUP BY queue, bucket
