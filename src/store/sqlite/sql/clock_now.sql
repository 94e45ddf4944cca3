-- The database clock, in Unix ns.
SELECT CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000 AS now
