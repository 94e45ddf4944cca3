-- Finds a live task.
-- Parameters: :uuid
SELECT * FROM tasks WHERE uuid = :uuid
