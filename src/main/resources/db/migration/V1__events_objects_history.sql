-- OpenSigma core schema. Flyway runs this with search_path set to the configured schema
-- (default "stripe"), so names here are unqualified. Migrations only ever add: nothing here
-- or in a later migration may drop or rewrite user data.

-- Every event exactly as received, forever. raw is the request body byte for byte (text, not
-- jsonb, because jsonb reorders keys and drops duplicates); query it with raw::jsonb.
create table events (
    id           text        primary key,
    type         text        not null,
    created      timestamptz not null,
    api_version  text,
    livemode     boolean,
    account      text,
    object_type  text,
    object_id    text,
    source       text        not null,
    received_at  timestamptz not null default now(),
    raw          text        not null
) with (toast_tuple_target = 256);
create index events_created_idx     on events (created);
create index events_received_at_idx on events (received_at);
create index events_object_idx      on events (object_type, object_id);
create index events_type_idx        on events (type, created);

-- Every version of every object. The order of versions is (second, seq): Stripe's time in
-- whole seconds, then the same-second order decided by dev.opensigma.apply.VersionOrder.
-- seq can change when a late version lands in a second that already has versions.
create table object_versions (
    version_id           bigint generated always as identity primary key,
    object_type          text        not null,
    id                   text        not null,
    account              text,
    valid_from           timestamptz not null,
    second               bigint      not null,
    seq                  integer     not null,
    event_id             text,
    event_type           text,
    source               text        not null,
    deleted              boolean     not null,
    previous_attributes  jsonb,
    data                 jsonb       not null,
    recorded_at          timestamptz not null default now()
) with (toast_tuple_target = 256);
create index object_versions_object_idx on object_versions (object_type, id, second, seq, version_id);
create unique index object_versions_event_idx on object_versions (event_id) where event_id is not null;

-- The current state of every object: always the newest row of object_versions for its key.
-- Partitioned by object type; each partition is the Sigma-named table (customers, charges, ...).
create table objects (
    object_type  text        not null,
    id           text        not null,
    account      text,
    deleted      boolean     not null,
    valid_from   timestamptz not null,
    version_id   bigint      not null,
    event_id     text,
    updated_at   timestamptz not null default now(),
    data         jsonb       not null,
    primary key (object_type, id)
) partition by list (object_type);

-- Which Stripe object type lives in which table.
create table object_types (
    object_type  text        primary key,
    table_name   text        not null unique,
    first_seen   timestamptz not null default now()
);

-- Creates the table of an object type on first sight. Names come from
-- dev.opensigma.stripe.ObjectTypes (Sigma's plural snake_case); idempotent.
create function ensure_object_table(p_object_type text, p_table_name text) returns void
language plpgsql as $$
declare
    existing text;
begin
    select table_name into existing from object_types where object_type = p_object_type;
    if existing is not null then
        return;
    end if;
    execute format('create table if not exists %I.%I partition of %I.objects for values in (%L) with (toast_tuple_target = 256)',
                   '${flyway:defaultSchema}', p_table_name, '${flyway:defaultSchema}', p_object_type);
    execute format('create index if not exists %I on %I.%I (valid_from)',
                   p_table_name || '_valid_from_idx', '${flyway:defaultSchema}', p_table_name);
    begin
        execute format('alter table %I.%I alter column data set compression lz4', '${flyway:defaultSchema}', p_table_name);
    exception when feature_not_supported or invalid_parameter_value then
        null; -- server without lz4: pglz stays
    end;
    insert into object_types (object_type, table_name) values (p_object_type, p_table_name)
        on conflict do nothing;
end
$$;

-- Versions numbered 1..n in Stripe's time order, with the moment each stopped being current.
create view history as
select v.object_type,
       v.id,
       row_number() over w                 as version,
       v.valid_from,
       lead(v.valid_from) over w           as valid_to,
       v.event_id,
       v.event_type,
       v.source,
       v.deleted,
       v.account,
       v.data,
       v.previous_attributes,
       v.version_id,
       v.recorded_at
from object_versions v
window w as (partition by v.object_type, v.id order by v.second, v.seq, v.version_id);

-- Compress the large JSON columns with lz4 where the server supports it (PostgreSQL >= 14
-- built with lz4); elsewhere pglz, the default, stays.
do $$
begin
    alter table events          alter column raw  set compression lz4;
    alter table object_versions alter column data set compression lz4;
    alter table objects         alter column data set compression lz4;
exception when feature_not_supported or invalid_parameter_value then
    raise notice 'lz4 compression unavailable, keeping the default: %', sqlerrm;
end
$$;
