-- Completions per queue and duration bucket over the minutes in
-- [:since, :until), of :queue or all when NULL.
SELECT queue, bucket, sum(count) AS count
FROM work_durations
WHERE minute >= :since AND minute < :until
  AND (:queue IS NULL OR queue = :queue)
GROUP BY queue, bucket
