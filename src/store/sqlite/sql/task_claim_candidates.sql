-- The best waiting tasks of one queue and state, in claim order: the
-- first step of a claim, run once per queue inside the claim's
-- transaction, walking the waiting index.
-- Parameters: :queue, :current_state, :limit
-- Returns: seq, priority, submit_time of up to :limit tasks.
SELECT seq, priority, submit_time FROM tasks
WHERE queue = :queue AND current_state = :current_state AND in_flight = 0
ORDER BY priority DESC, submit_time, seq
LIMIT :limit
