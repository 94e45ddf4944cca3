-- Takes or renews the named lease $1 for holder $2 for $3 ms, unless
-- another holder has it and it has not expired.
-- Returns: a row when $2 holds the lease.
INSERT INTO {{schema}}.leases AS l (name, holder, expires)
VALUES ($1::text, $2::text, {{schema}}.now_ns() + $3::bigint * 1000000)
ON CONFLICT (name) DO UPDATE SET
  holder = excluded.holder,
  expires = excluded.expires
WHERE l.holder = excluded.holder OR l.expires < {{schema}}.now_ns()
RETURNING holder
