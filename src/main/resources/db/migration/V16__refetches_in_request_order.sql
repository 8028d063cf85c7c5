-- V16: the refetcher takes waiting requests oldest first, 200 at a time
-- (dev.opensigma.sync.Refetcher.WAITING: "order by requested_at limit ?"). Nothing here changes data.
--
-- refetches is usually a few rows, but a backfill of a large account leaves one list request per
-- Checkout Session its replayed events carry (most then found not needed), and Refetcher.finish
-- works through them in passes of 200. Without an index each pass read and sorted the whole table:
-- 72 ms per pass at 200,000 requests, so about 70 s of database time to drain them; with it, 0.2 ms.
create index refetches_requested_at_idx on refetches (requested_at);
