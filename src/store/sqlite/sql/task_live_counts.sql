-- Waiting and in-flight tasks per queue and state, with the submit time
-- of the oldest waiting one (0 when none), of :queue or all when NULL.
SELECT queue, current_state AS state,
  count(*) FILTER (WHERE in_flight = 0) AS waiting,
  count(*) FILTER (WHERE in_flight = 1) AS in_flight,
  coalesce(min(submit_time) FILTER (WHERE in_flight = 0), 0)
    AS oldest_waiting
FROM tasks
WHERE :queue IS NULL OR queue = :queue
GROUP BY queue, current_state
ORDER BY queue, current_state
