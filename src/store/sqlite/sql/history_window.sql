-- History rows of the minutes in [:since, :until), of :queue or all when
-- NULL.
SELECT minute, queue, state, event, worker_id, count, work_sum, work_max
FROM task_history
WHERE minute >= :since AND minute < :until
  AND (:queue IS NULL OR queue = :queue)
