-- Every figure from a PDF is traceable to its page (DOCX and XLSX have no pages:
-- there the table index and row are the address).
with documents as (
    select document_sha256 from {{ ref('dim_document') }} where file_format = 'pdf'
),

fact_pages as (
    select 'fct_expenditure_by_function' as fact, document_sha256, page_number from {{ ref('fct_expenditure_by_function') }}
    union all
    select 'fct_basic_expenditure_by_economic', document_sha256, page_number from {{ ref('fct_basic_expenditure_by_economic') }}
    union all
    select 'fct_office_operating_expenses', document_sha256, page_number from {{ ref('fct_office_operating_expenses') }}
    union all
    select 'fct_income_by_source', document_sha256, page_number from {{ ref('fct_income_by_source') }}
    union all
    select 'fct_three_public_expenses', document_sha256, page_number from {{ ref('fct_three_public_expenses') }}
    union all
    select 'fct_project_performance_targets', document_sha256, page_number from {{ ref('fct_project_performance_targets') }}
)

select fact, document_sha256
from fact_pages
where page_number is null
    and document_sha256 in (select document_sha256 from documents)
