-- Documents that failed to parse, were quarantined, or were superseded by a later
-- version have no row in any fact table.
with unreportable as (
    select document_sha256 from {{ ref('dim_document') }} where not is_reportable
),

fact_documents as (
    select document_sha256 from {{ ref('fct_expenditure_by_function') }}
    union select document_sha256 from {{ ref('fct_basic_expenditure_by_economic') }}
    union select document_sha256 from {{ ref('fct_office_operating_expenses') }}
    union select document_sha256 from {{ ref('fct_income_by_source') }}
    union select document_sha256 from {{ ref('fct_three_public_expenses') }}
    union select document_sha256 from {{ ref('fct_project_performance_targets') }}
)

select document_sha256 from fact_documents
where document_sha256 in (select document_sha256 from unreportable)
