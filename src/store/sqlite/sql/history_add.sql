-- Adds one per-minute event count to the history.
-- Parameters: :minute, :queue, :state, :event, :worker_id, :count,
--   :work_sum, :work_max
INSERT INTO task_history (
  minute, queue, state, event, worker_id, count, work_sum, work_max
)
VALUES (
  :minute, :queue, :state, :event, :worker_id, :count, :work_sum, :work_max
)
ON CONFLICT (minute, queue, event, state, worker_id) DO UPDATE SET
  count = count + excluded.count,
  work_sum = work_sum + excluded.work_sum,
  work_max = max(work_max, excluded.work_max)
