-- Every document the warehouse knows, with its address, provenance and whether
-- its figures reach the facts. A document is reportable when it parsed cleanly,
-- no quality gate quarantined it, and it is the current version: when a
-- department republishes its budget for the same year, the latest posting wins.
with documents as (
    select * from {{ ref('int_documents') }}
),

quarantined as (
    select * from {{ ref('stg_quality__quarantined_documents') }}
),

flagged as (
    select
        documents.*,
        quarantined.document_sha256 is not null as is_quarantined,
        quarantined.quarantine_reasons,
        documents.parse_status = 'ok' and quarantined.document_sha256 is null as is_usable
    from documents
    left join quarantined using (document_sha256)
),

versioned as (
    select
        *,
        case when is_usable then row_number() over (
            partition by coalesce(department_key, document_sha256), fiscal_year, doc_type
            order by publish_date desc nulls last, parsed_at desc, document_sha256 desc
        ) end as version_rank
    from flagged
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
    version_rank,
    coalesce(version_rank = 1, false) as is_current_version,
    coalesce(version_rank = 1, false) as is_reportable
from versioned
