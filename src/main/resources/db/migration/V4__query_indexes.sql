-- Query speed (docs/queries.md, bench queries). Nothing here changes data.
--
-- 1. Text columns of the object tables stay in the row (storage MAIN). Tables are created with
--    toast_tuple_target = 256 so that the large jsonb values go to TOAST; with one column per
--    field, PostgreSQL went on to move ids and other short text values out of line as well,
--    and every read of one (a join on charges.id, a group by) paid TOAST lookups. Rows written
--    from now on keep them inline; VACUUM FULL <table> rewrites older rows the same way.
-- 2. <table>_as_of(at) reads the current-state table for objects that have not changed since
--    the moment, and the history of only those that have (one index probe each), instead of
--    sorting every version of the type.
-- sync_object_table (from V2) is replaced with the same function plus these two changes, and run
-- again for every table it already manages.

-- The whole second of a moment, as stored in object_versions.second; infinities included.
create function epoch_second(p_at timestamptz) returns bigint language sql immutable parallel safe as $$
    select case when p_at = 'infinity' then 9223372036854775807
                when p_at = '-infinity' then -9223372036854775808
                else floor(extract(epoch from p_at))::bigint end
$$;

create or replace function sync_object_table(p_object_type text) returns text[] language plpgsql as $sync$
declare
    sch constant text := '${flyway:defaultSchema}';
    t record;
    f record;
    added text[] := '{}';
    cols text;
    readers text;
    updates text;
    as_of_select text;
    current_select text;
    c record;
begin
    select * into t from object_types where object_type = p_object_type;
    for f in
        select fl.name, fl.column_type from fields fl
        where fl.object_type = p_object_type
          and not exists (select from pg_attribute a
                          where a.attrelid = format('%I.%I', sch, t.table_name)::regclass
                            and a.attname = fl.name and not a.attisdropped)
        order by fl.position, fl.name
    loop
        execute format('alter table %I.%I add column %I %s', sch, t.table_name, f.name, column_sql_type(f.column_type));
        added := added || f.name;
        if f.name in ('created', 'customer', 'status', 'invoice', 'subscription', 'charge', 'payment_intent',
                      'product', 'price', 'email') then
            execute format('create index if not exists %I on %I.%I (%I)',
                           left(t.table_name || '_' || f.name || '_idx', 63), sch, t.table_name, f.name);
        end if;
    end loop;

    -- Text columns (ids, references, statuses, emails) stay in the row. The tables' low
    -- toast_tuple_target moves every value longer than a TOAST pointer out of line until the row
    -- is small, and with a column per field that reached ids: each read of charges.id, or of a
    -- join key, cost TOAST lookups. MAIN still compresses, and moves out only as a last resort.
    for c in
        select a.attname from pg_attribute a
        where a.attrelid = format('%I.%I', sch, t.table_name)::regclass and a.attnum > 0 and not a.attisdropped
          and a.atttypid = 'text'::regtype and a.attstorage = 'x'
    loop
        execute format('alter table %I.%I alter column %I set storage main', sch, t.table_name, c.attname);
    end loop;

    -- Typed columns in table order, each with its reader.
    select string_agg(format('%I', fl.name), ', ' order by a.attnum),
           string_agg(format('%s(v.doc -> %L)', column_reader(fl.column_type), fl.name), ', ' order by a.attnum),
           string_agg(format('%I = excluded.%I', fl.name, fl.name), ', ' order by a.attnum)
      into cols, readers, updates
      from pg_attribute a
      join fields fl on fl.object_type = p_object_type and fl.name = a.attname
     where a.attrelid = format('%I.%I', sch, t.table_name)::regclass and a.attnum > 0 and not a.attisdropped;

    -- "doc" is data de-TOASTed once ("jsonb || '{}'" hands back the detoasted value): read through
    -- the stored, compressed value, every column would decompress the whole object again.
    update object_types set refresh_sql = format($f$
        insert into %1$I.%2$I as t (object_type, id, account, deleted, valid_from, version_id, event_id, updated_at, data,
                                    parent_type, parent_id%3$s)
        select v.object_type, v.id, v.account, v.deleted, v.valid_from, v.version_id, v.event_id, now(), v.doc,
               v.parent_type, v.parent_id%4$s
        from unnest(?::text[]) as k(id)
        cross join lateral (
            select v.*, v.data || '{}'::jsonb as doc from %1$I.object_versions v
            where v.object_type = %5$L and v.id = k.id
            order by v.second desc, v.seq desc, v.version_id desc
            limit 1) as v
        on conflict (object_type, id) do update
            set account = excluded.account, deleted = excluded.deleted, valid_from = excluded.valid_from,
                version_id = excluded.version_id, event_id = excluded.event_id, updated_at = now(),
                data = excluded.data, parent_type = excluded.parent_type, parent_id = excluded.parent_id%6$s
            where t.version_id is distinct from excluded.version_id$f$,
        sch, t.table_name,
        coalesce(', ' || cols, ''), coalesce(', ' || readers, ''), p_object_type,
        coalesce(', ' || updates, ''))
    where object_type = p_object_type;

    -- <table>_as_of(at): the table as it stood at that moment (deleted objects excluded). An
    -- object whose current state was already valid then is that row of the table, typed columns
    -- and all; only objects that changed since are looked up in object_versions, each by its
    -- index (newest version at or before the moment). Same rows as taking the newest version
    -- <= at of every object, without sorting the type's whole history.
    select string_agg(format('t.%I', a.attname), ', ' order by a.attnum),
           string_agg(case when fl.name is null then format('v.%I', a.attname)
                           else format('%s(d.doc -> %L)', column_reader(fl.column_type), fl.name) end,
                      ', ' order by a.attnum)
      into current_select, as_of_select
      from pg_attribute a
      left join fields fl on fl.object_type = p_object_type and fl.name = a.attname
     where a.attrelid = format('%I.%I', sch, t.table_name)::regclass and a.attnum > 0 and not a.attisdropped;
    as_of_select := replace(as_of_select, 'v.updated_at', 'v.recorded_at');
    execute format('drop function if exists %I.%I(timestamptz)', sch, left(t.table_name || '_as_of', 63));
    execute format($f$
        create function %1$I.%2$I(p_at timestamptz) returns setof %1$I.%3$I language sql stable as $body$
            select %4$s
            from %1$I.%3$I t
            where t.valid_from <= p_at and not t.deleted
            union all
            select %5$s
            from %1$I.%3$I t
            cross join lateral (
                select v.* from %1$I.object_versions v
                where v.object_type = %6$L and v.id = t.id
                  and v.second <= %1$I.epoch_second(p_at) and v.valid_from <= p_at
                order by v.second desc, v.seq desc, v.version_id desc
                limit 1) as v
            cross join lateral (select v.data || '{}'::jsonb as doc) as d
            where t.valid_from > p_at and not v.deleted
        $body$$f$, sch, left(t.table_name || '_as_of', 63), t.table_name, current_select, as_of_select, p_object_type);

    -- <table>_metadata(<object>_id, key, value): Sigma's shape for metadata.
    if exists (select from fields where object_type = p_object_type and name = 'metadata') then
        execute format('create or replace view %I.%I as select t.id as %I, m.key, m.value from %I.%I t,'
                       || ' jsonb_each_text(t.metadata) as m(key, value)',
                       sch, left(t.table_name || '_metadata', 63), t.id_column, sch, t.table_name);
    end if;
    return added;
end
$sync$;

-- Tables made before this migration: storage and as-of functions as above. (Tables still waiting
-- for their typed columns, from before V2, are synced by the application when it starts.)
do $$
declare
    t record;
begin
    for t in select object_type from object_types where refresh_sql is not null order by object_type loop
        perform sync_object_table(t.object_type);
    end loop;
end
$$;
