-- V8: smaller pending lists for the search indexes. Nothing here rewrites a table or an index.
--
-- GIN indexes take new entries into a pending list and merge it into the index when it exceeds
-- gin_pending_list_limit (default 4 MB). The merge runs inside the statement that overflowed the
-- list: with webhooks arriving steadily, one batch in a few thousand events stopped for 250 to
-- 550 ms while the others waited behind it (ingest at concurrency 64: p99 320-340 ms against a
-- median of 65 ms). At 256 kB each merge is a sixteenth of the size and the stalls drop below the
-- noise (p99 104 ms), for the same total work. Turning fastupdate off instead (every entry
-- straight into the index) cost a quarter of the throughput. (docs/benchmarks.md)
alter index search_documents_tsv_idx set (gin_pending_list_limit = 256);
alter index search_documents_body_idx set (gin_pending_list_limit = 256);
