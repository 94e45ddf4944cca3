-- Live tasks per queue and state, of $1 or of every queue when NULL,
-- ordered byte-wise (COLLATE "C") like SQLite's default collation.
-- Parameters: $1 queue (NULL = all)
-- Returns: queue, state, count (bigint).
SELECT queue, current_state AS state, count(*) AS count
FROM {{schema}}.tasks
WHERE $1::text IS NULL OR queue = $1::text
GROUP BY queue, current_state
ORDER BY queue COLLATE "C", current_state COLLATE "C"
