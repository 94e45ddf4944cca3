-- Adds completions to one per-minute work-duration bucket.
-- Parameters: :minute, :queue, :bucket, :count
INSERT INTO work_durations (minute, queue, bucket, count)
VALUES (:minute, :queue, :bucket, :count)
ON CONFLICT (minute, queue, bucket) DO UPDATE SET
  count = count + excluded.count
