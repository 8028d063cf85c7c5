-- V10: history also hides snapshots that repeat the state before them. Nothing here changes data.
--
-- A snapshot (from a backfill, or an object fetched again) that finds an object as it already
-- was is not a new version: it confirms the state. Every backfill after the first, and the
-- backfill that reconciles an expired feed position, would otherwise add a "version" with no
-- change for every object it lists. The copies stay in object_versions, as the embedded
-- children's do: keeping them all is what makes the result independent of arrival order (a late
-- event filed before a snapshot can make it a change again). Versions from events always show,
-- even when their state repeats: each is a thing that happened.
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
             (v.parent_id is not null or v.event_id is null)
                 and v.data is not distinct from lag(v.data) over (partition by v.object_type, v.id order by v.second, v.seq, v.version_id)
                 and v.deleted is not distinct from lag(v.deleted) over (partition by v.object_type, v.id order by v.second, v.seq, v.version_id)
                 as repeats
      from object_versions v) as h
where not h.repeats
window w as (partition by h.object_type, h.id order by h.second, h.seq, h.version_id);
