-- Every classification code printed in a document, with the name printed beside
-- it, per edition (the fiscal year: the Ministry of Finance revises the lists yearly).
-- The most frequent spelling of a code's name in an edition is its name there.
with amounts as (
    select * from {{ ref('int_amounts_yuan') }}
    where code is not null
),

documents as (
    select document_sha256, fiscal_year from {{ ref('stg_raw__documents') }}
),

rows_with_codes as (
    select distinct
        amounts.document_sha256,
        amounts.table_index,
        amounts.row_index,
        case
            when amounts.table_kind in {{ sql_list(var('function_coded_table_kinds')) }} then 'function'
            when amounts.table_kind in {{ sql_list(var('economic_coded_table_kinds')) }} then 'economic'
        end as classification,
        documents.fiscal_year,
        amounts.code,
        regexp_replace(coalesce(amounts.row_name, ''), '\s+', '', 'g') as printed_name
    from amounts
    inner join documents using (document_sha256)
),

name_counts as (
    select classification, fiscal_year, code, printed_name, count(*) as n_rows
    from rows_with_codes
    where classification is not null and fiscal_year is not null
    group by all
)

select
    classification,
    fiscal_year,
    code,
    first(nullif(printed_name, '') order by (printed_name = ''), n_rows desc, printed_name) as name_in_documents,
    sum(n_rows) as n_rows
from name_counts
group by classification, fiscal_year, code
