-- V7: the API version of every stored version. Nothing here rewrites a table: the new column is
-- added without a default.
--
-- object_versions.api_version: the Stripe API version the object was rendered in. For a
-- version from an event it is the event's api_version; for a snapshot fetched by the backfill
-- it is the version the client pinned (Stripe-Version). Versions stored before this migration
-- have none; history reads the event's.
alter table object_versions add column api_version text;

create or replace view history as
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
       h.parent_id,
       coalesce(h.api_version, (select e.api_version from events e where e.id = h.event_id)) as api_version
from (select v.*,
             v.parent_id is not null
                 and v.data is not distinct from lag(v.data) over (partition by v.object_type, v.id order by v.second, v.seq, v.version_id)
                 and v.deleted is not distinct from lag(v.deleted) over (partition by v.object_type, v.id order by v.second, v.seq, v.version_id)
                 as repeats
      from object_versions v) as h
where not h.repeats
window w as (partition by h.object_type, h.id order by h.second, h.seq, h.version_id);
