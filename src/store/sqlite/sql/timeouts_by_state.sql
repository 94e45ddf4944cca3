-- Timeouts per queue and state over the minutes in [:since, :until), of :queue
-- or all when NULL.
SELECT queue, state, sum(count) AS count
FROM task_history
WHERE minute >= :since AND minute < :until
  AND (:queue IS NULL OR queue = :queue) AND event = 'timed_out'
GROUP BY queue, state
ORDER BY queue, state
