-- V15: search() ranks the objects a name or email belongs to above the objects that mention it.
-- Nothing here changes data.
--
-- Searching a customer's name found their charges first: a charge carries the same name in its
-- billing details, with an equal (or, with the name in its shipping details as well, higher)
-- text rank, and ties went by type name, 'charge' before 'customer'. A customer with more than
-- max_results charges did not appear at all. An object whose type has a top-level name or email
-- of its own (customers, products, accounts, coupons, ...; read from the fields table) now gains
-- 0.5 when it matches: within the same kind of match it comes before those that only mention the
-- text, and an id or full-text match still outranks it.
-- Rank = 4 * (id is q) + 2 * (full-text match) + 0.5 * (of a named type) + ts_rank_cd (0..1)
--        + word_similarity (0..1). The rest is V3's function unchanged.
create or replace function search(q text, max_results integer default 20, of_type text default null,
                                  include_deleted boolean default false)
returns table (object_type text, id text, table_name text, rank real, summary text, deleted boolean, data jsonb)
language sql stable as $$
    with input as not materialized (
        select i.term,
               -- null when q has no words (only punctuation): an empty tsquery would warn on every row
               case when numnode(i.tsq) > 0 then i.tsq end as tsq,
               case when length(i.term) >= 3 then
                   '%' || replace(replace(replace(i.term, '\', '\\'), '%', '\%'), '_', '\_') || '%' end as pattern,
               (select t.object_type from object_types t where t.table_name = of_type) as type_of_table,
               array(select distinct f.object_type from fields f where f.name in ('name', 'email')) as named_types
        from (select btrim(q) as term, websearch_to_tsquery('simple', btrim(q)) as tsq) as i
    ),
    wanted as not materialized (
        select d.* from search_documents d, input
        where (include_deleted or not d.deleted)
          and (of_type is null or d.object_type in (of_type, input.type_of_table))
    ),
    matches as (
        select w.* from wanted w, input
        where w.tsv @@ input.tsq or w.body ilike input.pattern
    ),
    approximate as (
        select w.* from wanted w, input
        where input.pattern is not null and input.term <% w.body and not exists (select from matches)
    ),
    best as (
        select d.object_type, d.id, d.deleted,
               4 * (d.id = input.term)::int
               + 2 * coalesce(d.tsv @@ input.tsq, false)::int
               + 0.5 * (d.object_type = any (input.named_types))::int
               + coalesce(ts_rank_cd(d.tsv, input.tsq, 32), 0)
               + word_similarity(input.term, d.body) as rank
        from (select * from matches union all select * from approximate) as d, input
        order by rank desc, d.object_type, d.id
        limit greatest(max_results, 0)
    )
    select b.object_type, b.id, t.table_name, b.rank::real,
           concat_ws(' · ',
               coalesce(o.data ->> 'name', o.data ->> 'customer_name', o.data #>> '{billing_details,name}',
                        o.data #>> '{customer_details,name}', o.data #>> '{shipping,name}'),
               coalesce(o.data ->> 'email', o.data ->> 'customer_email', o.data ->> 'receipt_email',
                        o.data #>> '{billing_details,email}', o.data #>> '{customer_details,email}'),
               o.data ->> 'number', o.data ->> 'description', o.data ->> 'status') as summary,
           b.deleted, o.data
    from best b
    left join object_types t on t.object_type = b.object_type
    left join objects o on o.object_type = b.object_type and o.id = b.id
    order by b.rank desc, b.object_type, b.id
$$;

-- As in V3: tables in this schema and pg_trgm wherever it is, whatever the caller's search_path
-- (create or replace drops the setting).
do $$
declare
    sch constant text := '${flyway:defaultSchema}';
    ext text;
begin
    select n.nspname into ext from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm';
    execute format('alter function %I.search(text, integer, text, boolean) set search_path = %I, %I', sch, sch, ext);
end
$$;
