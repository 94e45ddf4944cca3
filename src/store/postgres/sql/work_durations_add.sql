-- Adds completions to the per-minute work-duration buckets.
-- Parameters: parallel arrays $1 minute[], $2 queue[], $3 bucket[],
--   $4 count[] (sorted by key)
INSERT INTO {{schema}}.work_durations AS d (minute, queue, bucket, count)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::bigint[])
ON CONFLICT (minute, queue, bucket) DO UPDATE SET
  count = d.count + excluded.count
