-- V14: which Stripe account, in which mode, this schema mirrors. Nothing here changes data.
--
-- One schema holds one Stripe account (with its connected accounts) in one mode. A test-mode key
-- used on a schema that holds live data would put test charges into the sums of every query,
-- start the event feed from the other mode's position and skip the first backfill because one
-- completed (the other mode's). The first command that uses an API key records the key's account
-- and mode here (dev.opensigma.sync.MirroredAccount); later commands with another account's key,
-- or the other mode's, are refused with a message saying how to keep them apart.
create table mirrored_account (
    only_row    boolean primary key default true check (only_row),
    account_id  text,                  -- null while no key could read /v1/account (restricted keys may not)
    livemode    boolean not null,
    recorded_at timestamptz not null default now(),
    recorded_by text not null          -- the command that recorded it: backfill, sync, serve, webhooks setup
);
