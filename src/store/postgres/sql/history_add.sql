-- Adds per-minute event counts to the history (rows sorted by key, so
-- that instances adding at once take row locks in the same order).
-- Parameters: parallel arrays $1 minute[], $2 queue[], $3 state[],
--   $4 event[], $5 worker_id[], $6 count[], $7 work_sum[], $8 work_max[]
INSERT INTO {{schema}}.task_history AS h (
  minute, queue, state, event, worker_id, count, work_sum, work_max
)
SELECT * FROM unnest(
  $1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
  $6::bigint[], $7::bigint[], $8::bigint[]
)
ON CONFLICT (minute, queue, event, state, worker_id) DO UPDATE SET
  count = h.count + excluded.count,
  work_sum = h.work_sum + excluded.work_sum,
  work_max = greatest(h.work_max, excluded.work_max)
