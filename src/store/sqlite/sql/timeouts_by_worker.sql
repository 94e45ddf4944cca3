-- Timeouts per queue and worker over the minutes in [:since, :until), of queue
-- $3 or all when NULL.
SELECT queue, worker_id, sum(count) AS count
FROM task_history
WHERE minute >= :since AND minute < :until
  AND (:queue IS NULL OR queue = :queue) AND event = 'timed_out'
GROUP BY queue, worker_id
ORDER BY queue, worker_id
