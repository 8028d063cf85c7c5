-- V11: refetches also holds child lists to fetch. Nothing here changes data; refetches is a
-- queue of a few rows, so re-keying it is instant.
--
-- Two reasons join V9's, both recorded by the apply path for an object filed from an event or a
-- poll (the backfill lists children itself):
--   'list has more'      an embedded list holds its first 10 entries and says has_more (an invoice
--                        with more lines): its url is listed in full;
--   'list not embedded'  a list Stripe leaves out of its parent and announces no entry of by an
--                        event (a Checkout Session's line_items): listed under the parent's path.
-- Each entry is filed as a child of the parent, like the entries the parent embeds. child_list
-- names the parent's field ('lines', 'line_items'); '' is a request for the object itself.
alter table refetches add column child_list text not null default '';
alter table refetches drop constraint refetches_pkey;
alter table refetches add primary key (object_type, id, account, child_list);
