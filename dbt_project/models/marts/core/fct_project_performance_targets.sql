-- Grain: one row per document × project × indicator (绩效目标表 level 3), as printed.
with targets as (
    select * from {{ ref('stg_raw__targets') }}
    where {{ is_published_table() }}
        and {{ in_delta_scope('document_sha256') }}
),

documents as (
    select * from {{ ref('dim_document') }}
    where is_reportable and {{ in_delta_scope('document_sha256') }}
)

select
    md5(concat_ws('|', targets.document_sha256, targets.table_index, targets.row_index)) as performance_target_key,
    targets.document_sha256,
    documents.department_key,
    documents.region_code,
    documents.fiscal_year,
    documents.doc_type,
    targets.project_code,
    targets.project_name,
    targets.indicator_level1,
    targets.indicator_level2,
    targets.indicator_name,
    targets.target_value,
    targets.table_index,
    targets.row_index,
    targets.page_number,
    documents.attachment_url
from targets
inner join documents using (document_sha256)
