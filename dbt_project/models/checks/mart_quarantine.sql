-- What the quality checkpoint withheld, with every reason: one row per document
-- withheld whole (withheld = 'document', table_index NULL) and one per table withheld
-- from a document whose other tables publish (withheld = 'table'; a table of a
-- document withheld whole is listed too, so every reason shows).
-- A view over quality.quarantined_documents / quarantined_tables: the checkpoint
-- rewrites them between `dbt build --exclude marts` and `dbt build --select marts`,
-- so a view always shows the latest run whichever phase built it.
{{ config(materialized='view', schema='marts') }}

with quarantined_documents as (
    select * from {{ ref('stg_quality__quarantined_documents') }}
),

quarantined_tables as (
    select * from {{ ref('stg_quality__quarantined_tables') }}
),

documents as (
    select * from {{ ref('stg_raw__documents') }}
),

tables as (
    select * from {{ ref('stg_raw__tables') }}
),

withheld as (
    select
        'document' as withheld,
        document_sha256,
        cast(null as integer) as table_index,
        cast(null as varchar) as table_kind,
        quarantine_reasons as reasons_text
    from quarantined_documents
    union all
    select
        'table' as withheld,
        document_sha256,
        table_index,
        table_kind,
        withhold_reasons as reasons_text
    from quarantined_tables
),

reasons as (
    select
        *,
        -- the checkpoint writes one reason per line, each prefixed [suite.expectation]
        list_filter(string_split(reasons_text, chr(10)), lambda r: r <> '') as reasons
    from withheld
)

select
    reasons.withheld,
    reasons.document_sha256,
    reasons.table_index,
    coalesce(reasons.table_kind, tables.table_kind) as table_kind,
    tables.table_title,
    documents.unit_name,
    documents.fiscal_year,
    documents.doc_type,
    documents.source_path,
    documents.parse_status,
    reasons.document_sha256 in (select document_sha256 from quarantined_documents) as is_document_withheld,
    len(reasons.reasons) as n_reasons,
    list_distinct(list_transform(reasons.reasons, lambda r: regexp_extract(r, '^\[([^\]]+)\]', 1))) as failed_expectations,
    reasons.reasons
from reasons
left join documents using (document_sha256)
left join tables using (document_sha256, table_index)
