-- The database clock, in Unix ns.
SELECT {{schema}}.now_ns() AS now
