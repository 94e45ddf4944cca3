-- Waiting and in-flight tasks per queue and state, with the submit time
-- of the oldest waiting one (0 when none), of queue $1 or all when NULL.
SELECT queue, current_state AS state,
  count(*) FILTER (WHERE NOT in_flight) AS waiting,
  count(*) FILTER (WHERE in_flight) AS in_flight,
  coalesce(min(submit_time) FILTER (WHERE NOT in_flight), 0)
    AS oldest_waiting
FROM {{schema}}.tasks
WHERE $1::text IS NULL OR queue = $1::text
GROUP BY queue, current_state
ORDER BY queue COLLATE "C", current_state COLLATE "C"
