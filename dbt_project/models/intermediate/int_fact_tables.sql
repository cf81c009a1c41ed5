-- Grain: one row per document × table kind that feeds a fact: the one published table of
-- that kind the fact reads. A document may print two tables of one kind (a 财政拨款支出表
-- beside the 一般公共预算支出表, both by function; or the same table twice); summing both
-- would count its spending twice. The fact takes the table whose title names the general
-- public budget (一般公共预算), else the first printed. Withheld tables never qualify.
-- A view, because the quality gate writes the quarantine between the intermediate
-- build and the marts; a table here would freeze the quarantine of the previous run.
{{ config(materialized='view') }}

with published as (
    select document_sha256, table_index, table_kind, table_title
    from {{ ref('stg_raw__tables') }}
    where table_kind in {{ sql_list((var('function_fact_scopes').keys() | list) + ['basic_expenditure_by_economic', 'office_operating_expenses']) }}
        and n_rows > 0
        and {{ is_published_table() }}
)

select document_sha256, table_kind, table_index, table_title
from published
qualify row_number() over (
    partition by document_sha256, table_kind
    order by (coalesce(table_title, '') like '%一般公共预算%') desc, table_index
) = 1
