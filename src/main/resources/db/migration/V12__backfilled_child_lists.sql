-- V12: finding the child lists a backfill read in full, by parent. Nothing here changes data.
--
-- A backfill replays the events created since its start, and each of those that carries a list
-- in part (an invoice's lines past the tenth) or not at all (a Checkout Session's line items)
-- asks for the list to be fetched (refetches). Where the backfill itself read that list after
-- the event, the fetch would only repeat it: dev.opensigma.backfill.BackfilledLists looks the
-- parent's finished child range up here, and the refetcher drops the request. backfill_ranges
-- holds one row per range (about one per parent with such a list): a small table.
create index backfill_ranges_parent on backfill_ranges (parent_id, list_type, account)
    where parent_id is not null and state = 'done';
