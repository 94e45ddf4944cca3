-- The longest work duration per queue over the minutes in [:since, :until), of
-- :queue or all when NULL.
SELECT queue, max(work_max) AS work_max
FROM task_history
WHERE minute >= :since AND minute < :until
  AND (:queue IS NULL OR queue = :queue) AND event = 'completed'
GROUP BY queue
