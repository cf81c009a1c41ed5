-- Every document the warehouse knows, with its address, provenance and what of it
-- reaches the facts. The quality gate withholds per table: a table that failed a
-- blocking check of its own (or a cross-table check it takes part in) is withheld
-- and the document's other tables publish; a document-level failure (not parsed,
-- its unit or structure) withholds the whole document. publication_status says which:
--   published  every table passed its checks
--   partial    some tables withheld (n_tables_withheld, withheld_table_reasons)
--   withheld   nothing of it published: not parsed, withheld whole, or every table withheld
-- A document is reportable when something of it is published and it is the current
-- version: when a department republishes its budget for the same year, the latest
-- posting wins.
-- depends_on: {{ ref('int_delta_scope') }} (built first: it reads this model's published rows)
with documents as (
    select * from {{ ref('int_documents') }}
    where {{ is_document_of_the_marts() }}
),

quarantined as (
    select * from {{ ref('stg_quality__quarantined_documents') }}
),

tables as (
    select document_sha256, count(*) as n_tables_listed
    from {{ ref('stg_raw__tables') }}
    group by document_sha256
),

withheld_tables as (
    select
        document_sha256,
        count(*) as n_tables_withheld,
        list_sort(list_distinct(list(table_kind) filter (where table_kind is not null))) as withheld_table_kinds,
        string_agg('table ' || table_index || ':' || coalesce(table_kind, '?') || chr(10) || withhold_reasons,
            chr(10) order by table_index) as withheld_table_reasons
    from {{ ref('stg_quality__quarantined_tables') }}
    group by document_sha256
),

counted as (
    select
        documents.*,
        quarantined.document_sha256 is not null as is_quarantined,
        quarantined.quarantine_reasons,
        -- the tables the parser read (raw `tables`; a lake parsed before it existed: the document's count)
        greatest(coalesce(tables.n_tables_listed, documents.n_tables, 0),
            coalesce(withheld_tables.n_tables_withheld, 0)) as n_tables_read,
        coalesce(withheld_tables.n_tables_withheld, 0) as n_tables_withheld_alone,
        withheld_tables.withheld_table_kinds,
        withheld_tables.withheld_table_reasons
    from documents
    left join quarantined using (document_sha256)
    left join tables using (document_sha256)
    left join withheld_tables using (document_sha256)
),

flagged as (
    select
        *,
        case
            when parse_status is distinct from 'ok' or is_quarantined then n_tables_read
            else n_tables_withheld_alone
        end as n_tables_withheld,
        case
            when parse_status is distinct from 'ok' or is_quarantined then 'withheld'
            when n_tables_withheld_alone > 0 and n_tables_withheld_alone >= n_tables_read then 'withheld'
            when n_tables_withheld_alone > 0 then 'partial'
            else 'published'
        end as publication_status
    from counted
),

usable as (
    select *, publication_status in ('published', 'partial') as is_usable
    from flagged
),

versioned as (
    select
        *,
        case when is_usable then row_number() over (
            partition by {{ version_group() }}, fiscal_year, doc_type
            order by publish_date desc nulls last, parsed_at desc, document_sha256 desc
        ) end as version_rank
    from usable
)

select
    document_sha256,
    attachment_url,
    detail_page_url,
    portal_id,
    posting_title,
    publish_date,
    n_postings,
    doc_type,
    case doc_type when 'budget' then '部门预算' when 'final_account' then '部门决算' end as doc_type_label,
    fiscal_year,
    department_key,
    unit_name,
    region_code,
    region_match,
    file_format,
    n_pages,
    n_tables,
    currency_unit,
    parse_status,
    parse_error,
    parser_version,
    parsed_at,
    source_path,
    is_quarantined,
    quarantine_reasons,
    publication_status,
    n_tables_read - n_tables_withheld as n_tables_published,
    n_tables_withheld,
    coalesce(withheld_table_kinds, []::varchar[]) as withheld_table_kinds,
    withheld_table_reasons,
    version_rank,
    coalesce(version_rank = 1, false) as is_current_version,
    coalesce(version_rank = 1, false) as is_reportable
from versioned
