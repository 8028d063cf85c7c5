-- Typed tables. Each object type's current-state table becomes a plain table (it was a partition
-- of "objects") so that it can carry one typed column per top-level Stripe field beside the raw
-- data. Data is kept: partitions are detached, not copied; only the then-empty parent goes.

-- Readers from a jsonb value to a column type. They return null rather than fail when a value
-- does not fit, so an unexpected payload never blocks ingestion; "data" stays the truth.
create function read_text(v jsonb) returns text language sql immutable parallel safe as $$
    select case jsonb_typeof(v) when 'string' then v #>> '{}' when 'null' then null else v::text end
$$;
create function read_bigint(v jsonb) returns bigint language sql immutable parallel safe as $$
    select case when jsonb_typeof(v) = 'number' and v::text ~ '^-?[0-9]{1,18}$' then v::text::bigint end
$$;
-- Stripe sends decimals as strings ("unit_amount_decimal": "2000.5"); stripe-java reads them as BigDecimal.
create function read_numeric(v jsonb) returns numeric language sql immutable parallel safe as $$
    select case when jsonb_typeof(v) = 'number' then v::text::numeric
                when jsonb_typeof(v) = 'string' and v #>> '{}' ~ '^-?[0-9]{1,100}(\.[0-9]{1,100})?$' then (v #>> '{}')::numeric end
$$;
create function read_boolean(v jsonb) returns boolean language sql immutable parallel safe as $$
    select case when jsonb_typeof(v) = 'boolean' then v::text::boolean end
$$;
create function read_timestamp(v jsonb) returns timestamptz language sql immutable parallel safe as $$
    -- At most 11 digits below zero: to_timestamp fails before 4713 BC.
    select case when jsonb_typeof(v) = 'number' and v::text ~ '^([0-9]{1,12}|-[0-9]{1,11})$' then to_timestamp(v::text::bigint) end
$$;
create function read_reference(v jsonb) returns text language sql immutable parallel safe as $$
    select case jsonb_typeof(v) when 'string' then v #>> '{}' when 'object' then v ->> 'id' end
$$;
create function read_jsonb(v jsonb) returns jsonb language sql immutable parallel safe as $$
    select case when jsonb_typeof(v) = 'null' then null else v end
$$;

-- Every known top-level field of every object type, and the column it becomes. Seeded from
-- stripe-java's model classes (origin 'stripe-java') and extended by fields seen in data
-- ('observed'). column_type is one of: text bigint numeric boolean timestamp reference jsonb.
create table fields (
    object_type  text        not null,
    name         text        not null,
    column_type  text        not null,
    origin       text        not null,
    position     integer     not null,
    first_seen   timestamptz not null default now(),
    primary key (object_type, name)
);

alter table object_types
    add column id_column   text,
    add column refresh_sql text;

-- Objects embedded in a list of another object (invoice lines, subscription items, charge
-- refunds, ...) are versions of their own type too; these say which object they came in.
alter table object_versions
    add column parent_type text,
    add column parent_id   text;
-- One event can now file several versions (its object and the children embedded in it).
drop index object_versions_event_idx;
create unique index object_versions_event_idx on object_versions (event_id, object_type, id) where event_id is not null;

-- Each partition becomes a table of its own, with its data.
do $$
declare
    t record;
begin
    for t in select table_name from object_types loop
        execute format('alter table objects detach partition %I', t.table_name);
        execute format('alter table %I add column parent_type text, add column parent_id text', t.table_name);
    end loop;
end
$$;
drop table objects;

-- Creates the table of an object type on first sight (idempotent). Typed columns are added by
-- sync_object_table, which this calls.
drop function ensure_object_table(text, text);
create function ensure_object_table(p_object_type text, p_table_name text, p_id_column text) returns void
language plpgsql as $$
declare
    sch constant text := '${flyway:defaultSchema}';
begin
    if not exists (select from object_types where object_type = p_object_type) then
        execute format($f$
            create table if not exists %I.%I (
                object_type  text        not null default %L check (object_type = %L),
                id           text        not null,
                account      text,
                deleted      boolean     not null,
                valid_from   timestamptz not null,
                version_id   bigint      not null,
                event_id     text,
                updated_at   timestamptz not null default now(),
                data         jsonb       not null,
                parent_type  text,
                parent_id    text,
                primary key (object_type, id)
            ) with (toast_tuple_target = 256)$f$, sch, p_table_name, p_object_type, p_object_type);
        execute format('create index if not exists %I on %I.%I (valid_from)',
                       p_table_name || '_valid_from_idx', sch, p_table_name);
        begin
            execute format('alter table %I.%I alter column data set compression lz4', sch, p_table_name);
        exception when feature_not_supported or invalid_parameter_value then
            null; -- server without lz4: pglz stays
        end;
        insert into object_types (object_type, table_name, id_column) values (p_object_type, p_table_name, p_id_column)
            on conflict (object_type) do nothing;
        perform refresh_objects_view();
    end if;
    update object_types set id_column = p_id_column where object_type = p_object_type and id_column is null;
    perform sync_object_table(p_object_type);
end
$$;

-- The union of every object table's common columns: one place to look an id up whatever its type.
create function refresh_objects_view() returns void language plpgsql as $$
declare
    sch constant text := '${flyway:defaultSchema}';
    parts text;
begin
    select string_agg(format('select object_type, id, account, deleted, valid_from, version_id, event_id, updated_at, data,'
                             || ' parent_type, parent_id from %I.%I',
                             sch, table_name), E'\nunion all\n' order by table_name)
      into parts from object_types;
    execute format('create or replace view %I.objects as %s', sch,
                   coalesce(parts, 'select null::text as object_type, null::text as id, null::text as account,'
                       || ' null::boolean as deleted, null::timestamptz as valid_from, null::bigint as version_id,'
                       || ' null::text as event_id, null::timestamptz as updated_at, null::jsonb as data,'
                       || ' null::text as parent_type, null::text as parent_id where false'));
end
$$;

-- The SQL type and reader function of a column type.
create function column_sql_type(p_column_type text) returns text language sql immutable as $$
    select case p_column_type when 'timestamp' then 'timestamptz' when 'reference' then 'text' else p_column_type end
$$;
create function column_reader(p_column_type text) returns text language sql immutable as $$
    select case p_column_type when 'text' then 'read_text' when 'bigint' then 'read_bigint'
        when 'numeric' then 'read_numeric' when 'boolean' then 'read_boolean' when 'timestamp' then 'read_timestamp'
        when 'reference' then 'read_reference' else 'read_jsonb' end
$$;

-- Brings an object table in line with its fields: adds missing columns (instant, no rewrite),
-- indexes the common questions, and regenerates the statements that depend on the column list:
-- the refresh statement (current state := newest version), <table>_as_of(timestamptz) and the
-- <table>_metadata view. Returns the names of the columns it added.
create function sync_object_table(p_object_type text) returns text[] language plpgsql as $sync$
declare
    sch constant text := '${flyway:defaultSchema}';
    t record;
    f record;
    added text[] := '{}';
    cols text;
    readers text;
    updates text;
    as_of_select text;
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

    -- <table>_as_of(at): the table as it stood at that moment (deleted objects excluded).
    select string_agg(case when fl.name is null then format('v.%I', a.attname)
                           else format('%s(d.doc -> %L)', column_reader(fl.column_type), fl.name) end,
                      ', ' order by a.attnum)
      into as_of_select
      from pg_attribute a
      left join fields fl on fl.object_type = p_object_type and fl.name = a.attname
     where a.attrelid = format('%I.%I', sch, t.table_name)::regclass and a.attnum > 0 and not a.attisdropped;
    as_of_select := replace(as_of_select, 'v.updated_at', 'v.recorded_at');
    execute format('drop function if exists %I.%I(timestamptz)', sch, left(t.table_name || '_as_of', 63));
    execute format($f$
        create function %1$I.%2$I(p_at timestamptz) returns setof %1$I.%3$I language sql stable as $body$
            select %4$s
            from (select distinct on (v.id) v.*
                  from %1$I.object_versions v
                  where v.object_type = %5$L and v.valid_from <= p_at
                  order by v.id desc, v.second desc, v.seq desc, v.version_id desc) as v
            cross join lateral (select v.data || '{}'::jsonb as doc) as d
            where not v.deleted
        $body$$f$, sch, left(t.table_name || '_as_of', 63), t.table_name, as_of_select, p_object_type);

    -- <table>_metadata(<object>_id, key, value): Sigma's shape for metadata.
    if exists (select from fields where object_type = p_object_type and name = 'metadata') then
        execute format('create or replace view %I.%I as select t.id as %I, m.key, m.value from %I.%I t,'
                       || ' jsonb_each_text(t.metadata) as m(key, value)',
                       sch, left(t.table_name || '_metadata', 63), t.id_column, sch, t.table_name);
    end if;
    return added;
end
$sync$;

-- Every version of an object with what changed in it: from previous_attributes where the event
-- carried them, otherwise computed against the version before. changes is
-- {"field": {"from": old, "to": new}, ...} over top-level fields.
create function object_changes(p_object_type text, p_id text)
returns table (version bigint, valid_from timestamptz, event_id text, event_type text, source text,
               deleted boolean, changes jsonb)
language sql stable as $$
    with versions as (
        select h.version, h.valid_from, h.event_id, h.event_type, h.source, h.deleted, h.data, h.previous_attributes,
               lag(h.data) over (order by h.version) as before
        from history h
        where h.object_type = p_object_type and h.id = p_id
    )
    select v.version, v.valid_from, v.event_id, v.event_type, v.source, v.deleted,
           case
               when v.previous_attributes is not null then
                   (select coalesce(jsonb_object_agg(p.key, jsonb_build_object('from', p.value, 'to', v.data -> p.key)), '{}')
                    from jsonb_each(v.previous_attributes) as p)
               when v.before is null then '{}'::jsonb
               else
                   (select coalesce(jsonb_object_agg(k.key, jsonb_build_object('from', v.before -> k.key, 'to', v.data -> k.key)), '{}')
                    from (select key from jsonb_object_keys(v.data) as key
                          union
                          select key from jsonb_object_keys(v.before) as key) as k
                    where (v.before -> k.key) is distinct from (v.data -> k.key))
           end
    from versions v
    order by v.version
$$;

-- Fills typed columns of rows stored before the columns existed, one slice of ids at a time, so
-- that no long transaction holds the table: returns the last id filled, or null when done.
create function fill_columns(p_object_type text, p_columns text[], p_after text, p_limit integer) returns text
language plpgsql as $$
declare
    sch constant text := '${flyway:defaultSchema}';
    t record;
    sets text;
    last_id text;
begin
    select * into t from object_types where object_type = p_object_type;
    select string_agg(format('%I = %s(x.data -> %L)', f.name, column_reader(f.column_type), f.name), ', ')
      into sets
      from fields f where f.object_type = p_object_type and f.name = any(p_columns);
    if sets is null then
        return null;
    end if;
    execute format($f$
        with slice as (select id from %1$I.%2$I where id > $1 order by id limit $2),
             filled as (update %1$I.%2$I x set %3$s from slice where x.id = slice.id returning x.id)
        select max(id) from filled$f$, sch, t.table_name, sets)
      into last_id using coalesce(p_after, ''), p_limit;
    return last_id;
end
$$;

select refresh_objects_view();

-- history, now hiding the versions of embedded children that repeat the state before them: an
-- invoice's lines come again with every invoice event, but they changed only when they differ.
-- (Every copy stays in object_versions; keeping them all is what makes the result independent of
-- the order events arrive in.)
drop view history;
create view history as
select h.object_type,
       h.id,
       row_number() over w       as version,
       h.valid_from,
       lead(h.valid_from) over w as valid_to,
       h.event_id,
       h.event_type,
       h.source,
       h.deleted,
       h.account,
       h.data,
       h.previous_attributes,
       h.version_id,
       h.recorded_at,
       h.parent_type,
       h.parent_id
from (select v.*,
             v.parent_id is not null
                 and v.data is not distinct from lag(v.data) over (partition by v.object_type, v.id order by v.second, v.seq, v.version_id)
                 and v.deleted is not distinct from lag(v.deleted) over (partition by v.object_type, v.id order by v.second, v.seq, v.version_id)
                 as repeats
      from object_versions v) as h
where not h.repeats
window w as (partition by h.object_type, h.id order by h.second, h.seq, h.version_id);
