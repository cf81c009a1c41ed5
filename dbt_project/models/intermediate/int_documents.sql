-- One row per parsed document (one file = one sha256), with where it was posted.
-- The same file posted twice (two URLs, or two portals) is one document: its
-- earliest posting is its address and the postings are counted.
with documents as (
    select * from {{ ref('stg_raw__documents') }}
),

postings as (
    select *
    from {{ ref('stg_landing__manifest') }}
    where document_sha256 is not null
        and fetch_outcome in ('new', 'duplicate', 'unchanged', 'not_modified')
),

first_posting as (
    select
        document_sha256,
        attachment_url,
        detail_page_url,
        portal_id,
        posting_title,
        publish_date,
        fetched_at as first_fetched_at
    from postings
    qualify row_number() over (
        partition by document_sha256
        order by publish_date nulls last, fetched_at, attachment_url
    ) = 1
),

posting_counts as (
    select
        document_sha256,
        count(distinct attachment_url) as n_postings
    from postings
    group by document_sha256
),

unit_regions as (
    select * from {{ ref('int_unit_regions') }}
),

named as (
    select
        documents.*,
        {{ normalise_unit_name('documents.unit_name') }} as unit_name_normalised
    from documents
)

select
    named.document_sha256,
    md5(named.unit_name_normalised) as department_key,
    named.unit_name,
    named.unit_name_normalised,
    unit_regions.region_code,
    coalesce(unit_regions.region_match, 'no_unit_name') as region_match,
    named.fiscal_year,
    named.doc_type,
    named.file_format,
    named.parse_status,
    named.parse_error,
    named.parser_version,
    named.parsed_at,
    named.source_path,
    named.currency_unit,
    named.n_pages,
    named.n_tables,
    first_posting.attachment_url,
    first_posting.detail_page_url,
    first_posting.portal_id,
    first_posting.posting_title,
    first_posting.publish_date,
    first_posting.first_fetched_at,
    coalesce(posting_counts.n_postings, 0) as n_postings
from named
left join unit_regions using (unit_name_normalised)
left join first_posting using (document_sha256)
left join posting_counts using (document_sha256)
