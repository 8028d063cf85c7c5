-- Backfill progress, the event feed's position per account, and webhook endpoints OpenSigma set up.

-- One backfill: what was asked for, where the event feed stood before listing began, and how it ended.
-- A run is 'completed' only when every range finished and the events since the mark were replayed.
create table backfill_runs (
    id            bigserial primary key,
    selection     text not null,           -- the request as given (types, since, accounts): a rerun of the same request resumes this run
    types         text[] not null,
    since         timestamptz,
    until         timestamptz not null,    -- Stripe's clock when the run began: ranges cover created < until
    status        text not null default 'running' check (status in ('running', 'completed', 'failed')),
    tail_added    boolean not null default false, -- the ranges of objects created since `until` were added
    started_at    timestamptz not null default now(),
    finished_at   timestamptz,
    error         text
);
create index backfill_runs_selection on backfill_runs (selection, id desc);

-- Where each account's event feed stood before the run listed anything ('' = the key's own account).
create table backfill_event_marks (
    run_id        bigint not null references backfill_runs (id),
    account       text not null,
    event_id      text,                    -- newest event then; null when the feed was empty
    event_created timestamptz,
    replayed_at   timestamptz,             -- when the events since the mark were applied
    primary key (run_id, account)
);

-- The unit of work and of checkpointing: one slice of one list, paged with a cursor.
create table backfill_ranges (
    id            bigserial primary key,
    run_id        bigint not null references backfill_runs (id),
    account       text not null,           -- '' = the key's own account
    list_type     text not null,           -- ListableTypes name
    variant       int not null default 0,
    parent_id     text,                    -- child lists: the parent whose children these are
    created_gte   bigint,                  -- unix seconds; null = unbounded
    created_lt    bigint,
    cursor        text,                    -- starting_after for the next page; null = from the newest
    state         text not null default 'pending' check (state in ('pending', 'done', 'failed')),
    pages         int not null default 0,
    objects       bigint not null default 0,
    error         text,
    updated_at    timestamptz not null default now()
);
create index backfill_ranges_open on backfill_ranges (run_id, id) where state <> 'done';
create index backfill_ranges_run on backfill_ranges (run_id, list_type);

-- Progress per run and type, for `opensigma status` and for SQL.
create view backfill_progress as
select r.run_id, r.account, r.list_type,
       count(*)                                   as ranges,
       count(*) filter (where r.state = 'done')   as ranges_done,
       count(*) filter (where r.state = 'failed') as ranges_failed,
       sum(r.pages)                               as pages,
       sum(r.objects)                             as objects,
       max(r.updated_at)                          as last_progress_at,
       string_agg(distinct r.error, '; ')         as errors
from backfill_ranges r
group by r.run_id, r.account, r.list_type;

-- How far the event feed (/v1/events) has been read, per account.
create table event_cursors (
    account       text primary key,        -- '' = the key's own account
    event_id      text not null,
    event_created timestamptz not null,
    updated_at    timestamptz not null default now()
);

-- Webhook endpoints created by `opensigma webhooks setup`, with their signing secrets. Not readable
-- by the read-only query role.
create table webhook_secrets (
    endpoint_id   text primary key,
    url           text not null,
    secret        text not null,
    api_version   text,
    created_at    timestamptz not null default now()
);
