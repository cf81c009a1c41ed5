-- Documents held back by the quality checkpoint, with every reason.
-- A view over quality.quarantined_documents: the checkpoint rewrites that table
-- between `dbt build --exclude marts` and `dbt build --select marts`, so a view
-- always shows the latest run whichever phase built it.
{{ config(materialized='view', schema='marts') }}

with quarantined as (
    select * from {{ ref('stg_quality__quarantined_documents') }}
),

documents as (
    select * from {{ ref('stg_raw__documents') }}
),

reasons as (
    select
        document_sha256,
        -- the checkpoint writes one reason per line, each prefixed [suite.expectation]
        list_filter(string_split(quarantine_reasons, chr(10)), lambda r: r <> '') as reasons
    from quarantined
)

select
    reasons.document_sha256,
    documents.unit_name,
    documents.fiscal_year,
    documents.doc_type,
    documents.source_path,
    documents.parse_status,
    len(reasons.reasons) as n_reasons,
    list_distinct(list_transform(reasons.reasons, lambda r: regexp_extract(r, '^\[([^\]]+)\]', 1))) as failed_expectations,
    reasons.reasons
from reasons
left join documents using (document_sha256)
