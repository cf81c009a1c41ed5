-- Nothing that failed a blocking expectation reaches a mart (docs/quality.md), read from
-- the checkpoint's own results rather than from the quarantine it derived from them:
-- a document-level failure (or one that names no table) leaves the whole document out
-- of every fact; a table-level failure leaves out its table and, for a cross-table
-- check, the other table it names. Every fact row is checked by its document and the
-- table it was printed in (facts_keep_every_reportable_amount checks that no withheld
-- table's figure is summed into a fact row of a published one).
with blocking as (
    select
        cast(sha256 as varchar) as document_sha256,
        cast(table_index as integer) as table_index,
        cast(other_table_index as integer) as other_table_index,
        coalesce(cast(scope as varchar), 'document') as scope,
        suite || '.' || expectation as failed_expectation
    from {{ source('quality', 'expectation_results') }}
    where not passed and severity = 'block'
),

withheld_documents as (
    select distinct document_sha256, failed_expectation from blocking
    where scope <> 'table' or table_index is null
),

withheld_tables as (
    select document_sha256, table_index, failed_expectation from blocking
    where scope = 'table' and table_index is not null
    union
    select document_sha256, other_table_index, failed_expectation from blocking
    where scope = 'table' and other_table_index is not null
),

fact_rows as (
    select 'fct_expenditure_by_function' as fact, document_sha256, table_index from {{ ref('fct_expenditure_by_function') }}
    union all
    select 'fct_basic_expenditure_by_economic', document_sha256, table_index from {{ ref('fct_basic_expenditure_by_economic') }}
    union all
    select 'fct_office_operating_expenses', document_sha256, table_index from {{ ref('fct_office_operating_expenses') }}
    union all
    select 'fct_income_by_source', document_sha256, table_index from {{ ref('fct_income_by_source') }}
    union all
    select 'fct_three_public_expenses', document_sha256, table_index from {{ ref('fct_three_public_expenses') }}
    union all
    select 'fct_project_performance_targets', document_sha256, table_index from {{ ref('fct_project_performance_targets') }}
)

select fact_rows.fact, fact_rows.document_sha256, fact_rows.table_index, withheld_documents.failed_expectation
from fact_rows
inner join withheld_documents using (document_sha256)
union all
select fact_rows.fact, fact_rows.document_sha256, fact_rows.table_index, withheld_tables.failed_expectation
from fact_rows
inner join withheld_tables using (document_sha256, table_index)
