-- A live flush sends its lease check, its rows, its checkpoints and its commit in one simple query
-- (src/projections/flushBatch.ts). The check must then fail its statement when the lease was taken
-- over, so that nothing after it runs, the commit least of all: an update that matches no row does
-- not. SQLSTATE PJ001 reads as PRJ_LEASE_LOST.
create function projectionist.renew_lease(p_name text, p_version integer, p_token bigint, p_ttl_ms bigint)
returns void language plpgsql as $$
begin
  update projectionist.leases set expires_at = now() + p_ttl_ms * interval '1 millisecond'
   where name = p_name and version = p_version and token = p_token;
  if not found then
    raise exception using errcode = 'PJ001',
      message = format('the lease of %s v%s was taken over', p_name, p_version);
  end if;
end
$$;
