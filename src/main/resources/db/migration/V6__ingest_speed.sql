-- Ingest speed (issue: ingest throughput must not drop by more than 20 % with typed tables,
-- child tables and search). Nothing here changes data.
--
-- The refresh statement of each object table (object_types.refresh_sql, run by
-- dev.opensigma.apply.BatchWriter for every batch) no longer reads each typed column with its
-- read_* function in SQL: the writer reads the typed values in Java, with the same rules, and
-- hands them over as one JSON object per version (jsonb_to_record). Measured on the refresh of
-- subscriptions, the readers cost about 200 microseconds per row, and, when the statement was
-- planned anew, 2.5 ms of planning per statement: every read_* call is an SQL function inlined at
-- planning. The statement now also returns the objects whose current state changed, with their
-- search text, so that search_documents is kept in step from it and the rule "current = newest
-- version" is written once; the search text comes from Java as well (search_text cost about
-- 100 microseconds per row).
-- sync_object_table (from V4) is replaced with the same function with that refresh statement,
-- and run again for every table it already manages. The as-of functions and fill_columns keep
-- the read_* functions; they define what the Java readers must match.

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
    record_def text;
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

    -- The refresh statement. The writer (dev.opensigma.apply.BatchWriter) passes the touched ids,
    -- and for each version that may have become current (the batch's new versions and the stored
    -- ones of the seconds it touched) its version_id and its typed values, read in Java with the
    -- same rules as the read_* functions (dev.opensigma.apply.TypedValues) and handed over as one
    -- JSON object per version: $3 typed = {"column": value} with values already in the column's
    -- type (timestamps as Unix seconds), and $4 its search_text(data), computed in Java too
    -- (dev.opensigma.apply.SearchText; null where only the SQL function can say). jsonb columns
    -- come from data itself, de-TOASTed once.
    -- The newest version of each object, (second, seq, version_id) descending, becomes current
    -- unless it already is. The statement returns the objects whose current state changed, with
    -- their search text, for the writer to update search_documents (one statement per batch):
    -- the rule "current = newest version" is written once, here.
    select string_agg(format('%I', fl.name), ', ' order by a.attnum),
           string_agg(case fl.column_type
                          when 'jsonb' then format('nullif(c.doc -> %L, ''null''::jsonb)', fl.name)
                          when 'timestamp' then format('to_timestamp(x.%I)', fl.name)
                          else format('x.%I', fl.name) end, ', ' order by a.attnum),
           string_agg(format('%I = excluded.%I', fl.name, fl.name), ', ' order by a.attnum),
           string_agg(case fl.column_type
                          when 'timestamp' then format('%I bigint', fl.name)
                          when 'reference' then format('%I text', fl.name)
                          else format('%I %s', fl.name, fl.column_type) end, ', ' order by a.attnum)
                filter (where fl.column_type <> 'jsonb')
      into cols, readers, updates, record_def
      from pg_attribute a
      join fields fl on fl.object_type = p_object_type and fl.name = a.attname
     where a.attrelid = format('%I.%I', sch, t.table_name)::regclass and a.attnum > 0 and not a.attisdropped;

    update object_types set refresh_sql = format($f$
        with current_version as (
            select v.object_type, v.id, v.account, v.deleted, v.valid_from, v.version_id, v.event_id, v.parent_type,
                   v.parent_id, v.doc, c.typed, c.body
            from (select distinct k.id from unnest(?::text[]) as k(id)) as k
            cross join lateral (
                select v.object_type, v.id, v.account, v.deleted, v.valid_from, v.version_id, v.event_id,
                       v.parent_type, v.parent_id, v.data || '{}'::jsonb as doc
                from %1$I.object_versions v
                where v.object_type = %5$L and v.id = k.id
                order by v.second desc, v.seq desc, v.version_id desc
                limit 1) as v
            join unnest(?::bigint[], ?::text[], ?::text[]) as c(version_id, typed, body) on c.version_id = v.version_id
        ),
        changed as (
            insert into %1$I.%2$I as t (object_type, id, account, deleted, valid_from, version_id, event_id, updated_at,
                                        data, parent_type, parent_id%3$s)
            select c.object_type, c.id, c.account, c.deleted, c.valid_from, c.version_id, c.event_id, now(), c.doc,
                   c.parent_type, c.parent_id%4$s
            from current_version c
            cross join lateral jsonb_to_record(c.typed::jsonb) as x(%7$s)
            order by c.id
            on conflict (object_type, id) do update
                set account = excluded.account, deleted = excluded.deleted, valid_from = excluded.valid_from,
                    version_id = excluded.version_id, event_id = excluded.event_id, updated_at = now(),
                    data = excluded.data, parent_type = excluded.parent_type, parent_id = excluded.parent_id%6$s
                where t.version_id is distinct from excluded.version_id
            returning t.id
        )
        select c.id, c.account, c.deleted, coalesce(c.body, %1$I.search_text(c.doc))
        from changed
        join current_version c on c.id = changed.id$f$,
        sch, t.table_name,
        coalesce(', ' || cols, ''), coalesce(', ' || readers, ''), p_object_type,
        coalesce(', ' || updates, ''), coalesce(record_def, 'id_ text'))
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

do $$
declare
    t record;
begin
    for t in select object_type from object_types where refresh_sql is not null order by object_type loop
        perform sync_object_table(t.object_type);
    end loop;
end
$$;
