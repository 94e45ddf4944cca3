-- The auto_target_state a task had before its latest claim, so that a
-- claim handed back (its client left) restores the task exactly, even
-- when the claim applied state overrides.
ALTER TABLE tasks ADD COLUMN prior_target_state TEXT NOT NULL DEFAULT '';
