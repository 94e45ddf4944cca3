-- Deletes up to :limit work-duration rows of minutes before :before.
DELETE FROM work_durations
WHERE rowid IN (
  SELECT rowid FROM work_durations WHERE minute < :before LIMIT :limit
)
