-- Deletes up to :limit history rows of minutes before :before.
DELETE FROM task_history
WHERE rowid IN (
  SELECT rowid FROM task_history WHERE minute < :before LIMIT :limit
)
