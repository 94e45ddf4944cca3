-- Events per minute, queue and kind over the minutes in [:since, :until), of
-- :queue or all when NULL.
SELECT minute, queue, event, sum(count) AS count
FROM task_history
WHERE minute >= :since AND minute < :until
  AND (:queue IS NULL OR queue = :queue)
GROUP BY minute, queue, event
