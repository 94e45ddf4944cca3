-- Finds a live task.
-- Parameters: $1 uuid
-- Returns: the task, or nothing.
SELECT * FROM {{schema}}.tasks WHERE uuid = $1::uuid
