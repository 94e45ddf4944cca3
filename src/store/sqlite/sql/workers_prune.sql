-- Deletes up to :limit workers last seen before :before.
DELETE FROM workers
WHERE rowid IN (
  SELECT rowid FROM workers WHERE last_seen < :before LIMIT :limit
)
