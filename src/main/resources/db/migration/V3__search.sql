-- Search: find objects of any type by id, email, name, description, metadata and other text
-- fields. One row per object in search_documents, kept current by the apply path
-- (dev.opensigma.apply.BatchWriter.indexForSearch, in the batch's transaction), indexed for
-- full-text search (tsv) and trigram similarity (body, pg_trgm). Query it with search(q).

-- pg_trgm: in public, unless the database already has it in another schema (it can only be
-- installed once per database). It is a trusted extension: a user with CREATE on the database
-- may install it.
do $$
begin
    if not exists (select from pg_extension where extname = 'pg_trgm') then
        create extension pg_trgm with schema public;
    end if;
exception
    when unique_violation or duplicate_object then
        null; -- installed at the same moment by a migration of another schema
    when insufficient_privilege then
        raise exception 'search needs the pg_trgm extension: ask a superuser to run "create extension pg_trgm" in database %',
            current_database();
end
$$;

-- For the rest of this migration, resolve pg_trgm's operators and operator classes wherever it lives.
select set_config('search_path', current_setting('search_path') || ', ' || quote_ident(n.nspname), true)
from pg_extension e join pg_namespace n on n.oid = e.extnamespace
where e.extname = 'pg_trgm';

-- The text people search an object by: its id, and the values of the text fields that name or
-- describe it (top-level, and the same fields of billing_details, customer_details, shipping),
-- metadata keys and values, and the last four digits of a card. Other fields (amounts, statuses,
-- ids of related objects) stay out, so that a search for a customer's id finds the customer, not
-- everything that refers to it. At most 100,000 characters, so that no payload can exceed
-- tsvector's 1 MB limit and block ingestion.
create function search_text(data jsonb) returns text language sql immutable parallel safe as $$
    select left(concat_ws(' ',
        data ->> 'id',
        data ->> 'email', data ->> 'name', data ->> 'description', data ->> 'phone',
        data ->> 'receipt_email', data ->> 'customer_email', data ->> 'customer_name', data ->> 'customer_phone',
        data ->> 'statement_descriptor', data ->> 'statement_descriptor_suffix', data ->> 'calculated_statement_descriptor',
        data ->> 'number', data ->> 'receipt_number', data ->> 'nickname', data ->> 'lookup_key', data ->> 'code',
        data #>> '{billing_details,email}', data #>> '{billing_details,name}', data #>> '{billing_details,phone}',
        data #>> '{customer_details,email}', data #>> '{customer_details,name}', data #>> '{customer_details,phone}',
        data #>> '{shipping,name}', data #>> '{shipping,phone}',
        data #>> '{card,last4}', data #>> '{payment_method_details,card,last4}',
        case when jsonb_typeof(data -> 'metadata') = 'object' then
            (select string_agg(concat_ws(' ', m.key, m.value), ' ') from jsonb_each_text(data -> 'metadata') as m(key, value))
        end), 100000)
$$;

-- One row per object (current state); deleted objects stay, flagged, like in the object tables.
create table search_documents (
    object_type  text     not null,
    id           text     not null,
    account      text,
    deleted      boolean  not null,
    body         text     not null,
    tsv          tsvector not null generated always as (to_tsvector('simple', body)) stored,
    primary key (object_type, id)
);

-- Objects stored before this migration (before the indexes: building them at once is faster).
insert into search_documents (object_type, id, account, deleted, body)
select o.object_type, o.id, o.account, o.deleted, search_text(o.data) from objects o;

create index search_documents_tsv_idx  on search_documents using gin (tsv);
create index search_documents_body_idx on search_documents using gin (body gin_trgm_ops);

-- The best matches for q, best first.
-- Matches: objects that contain every word of q (full-text, websearch syntax: "a phrase", or,
-- -word), or that contain q anywhere in their text (q of 3 characters or more): partial ids,
-- emails, names. Only when nothing matches so: objects with a part close to q (trigram word
-- similarity at least pg_trgm.word_similarity_threshold, 0.6 by default; q of 3 characters or
-- more), i.e. typos. Similarity is the costly test, so it is skipped when there are exact answers.
-- Ranking: rank = 4 * (id is q) + 2 * (full-text match) + ts_rank_cd (0..1) + word_similarity
-- (0..1): the object whose id is q first, then full-text matches, then substring and
-- approximate matches; within each, the closest first; ties by type and id.
-- of_type is an object type ('customer') or its table ('customers'); deleted objects are left
-- out unless include_deleted. summary is a line to recognize the object by; data its current state.
create function search(q text, max_results integer default 20, of_type text default null,
                       include_deleted boolean default false)
returns table (object_type text, id text, table_name text, rank real, summary text, deleted boolean, data jsonb)
language sql stable as $$
    with input as not materialized (
        select i.term,
               -- null when q has no words (only punctuation): an empty tsquery would warn on every row
               case when numnode(i.tsq) > 0 then i.tsq end as tsq,
               case when length(i.term) >= 3 then
                   '%' || replace(replace(replace(i.term, '\', '\\'), '%', '\%'), '_', '\_') || '%' end as pattern,
               (select t.object_type from object_types t where t.table_name = of_type) as type_of_table
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

-- search() resolves its tables in this schema and pg_trgm wherever it is, whatever the caller's
-- search_path (e.g. psql calling stripe.search('...')).
do $$
declare
    sch constant text := '${flyway:defaultSchema}';
    ext text;
begin
    select n.nspname into ext from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm';
    execute format('alter function %I.search(text, integer, text, boolean) set search_path = %I, %I', sch, sch, ext);
end
$$;
