-- Live tasks per queue and state, of :queue or of every queue when NULL.
SELECT queue, current_state AS state, count(*) AS count
FROM tasks
WHERE :queue IS NULL OR queue = :queue
GROUP BY queue, current_state
ORDER BY queue, current_state
