-- V9: objects to fetch again from the Stripe API. Nothing here changes data.
--
-- The apply path records an object here, in the transaction that stores the event, when the
-- event cannot tell the object's newest state by itself:
--   'thin event'        a thin (v2) event carries only a reference to its object (related_object);
--   'same-second tie'   two different states of the object share its newest second, and no
--                       signal of the tie rule (dev.opensigma.apply.VersionOrder) put them in
--                       order: the event ids did, so the newest state may be the other one.
-- With an API key (serve, sync), the poller fetches each object after reading the event feed
-- and files it as a snapshot observed at the fetch, newer than the events, then removes the row.
-- Without a key the rows wait here, visible to SQL. One row per object: a new request for an
-- object already waiting replaces the old one.
create table refetches (
    object_type   text        not null,
    id            text        not null,
    account       text        not null default '', -- '' for the key's own account
    path          text,                             -- where to fetch it, when the event said (a thin event's url)
    reason        text        not null,
    event_id      text,
    requested_at  timestamptz not null default now(),
    attempts      integer     not null default 0,
    last_error    text,
    primary key (object_type, id, account)
);
