-- V13: an object table's rows found by their parent. Nothing here changes data or rewrites a table.
--
-- Children (invoice lines, subscription items, credit note lines, a session's line items, ...)
-- carry their parent in parent_type and parent_id. When the apply path learns a parent's whole
-- list from the API (dev.opensigma.apply.Applier.applyListRead: a refetch or the backfill paging
-- /v1/invoices/in_1/lines), the children stored as live under that parent that the list no
-- longer holds were removed from it; this index finds them. It also serves the usual join of a
-- child table to its parent (invoice_line_items.parent_id = invoices.id).
--
-- Partial (rows with a parent only), so it stays empty, and costs nothing, on the tables of
-- top-level objects. Building it takes a lock that holds writes to the child tables back while it
-- is built, at start, before OpenSigma takes webhooks (seconds for millions of lines).

-- The tables that exist; ensure_object_table, below, adds it to those created later.
do $$
declare
    sch constant text := '${flyway:defaultSchema}';
    t record;
begin
    for t in select table_name from object_types order by table_name loop
        execute format('create index if not exists %I on %I.%I (parent_id, parent_type) where parent_id is not null',
                       left(t.table_name || '_parent_idx', 63), sch, t.table_name);
    end loop;
end
$$;

-- Creates the table of an object type on first sight (idempotent); as in V2, with the parent index.
create or replace function ensure_object_table(p_object_type text, p_table_name text, p_id_column text) returns void
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
        execute format('create index if not exists %I on %I.%I (parent_id, parent_type) where parent_id is not null',
                       left(p_table_name || '_parent_idx', 63), sch, p_table_name);
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

-- The children of one type that a parent holds as live, current since before a moment: what
-- dev.opensigma.apply.RemovedChildren compares a complete read of the parent's list with. One
-- table, by its parent index (the objects view would plan a branch for every table).
create function live_children(p_object_type text, p_parent_type text, p_parent_id text, p_account text,
                              p_before timestamptz) returns table (id text) language plpgsql stable as $$
declare
    sch constant text := '${flyway:defaultSchema}';
    t text;
begin
    select table_name into t from object_types where object_type = p_object_type;
    if t is null then
        return; -- no object of that type stored yet
    end if;
    return query execute format(
        'select id from %I.%I where parent_id = $1 and parent_type = $2 and account is not distinct from $3'
        || ' and not deleted and valid_from < $4', sch, t)
        using p_parent_id, p_parent_type, p_account, p_before;
end
$$;
