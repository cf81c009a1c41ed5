-- Nothing is lost or double counted between the raw layer and the fact: for every
-- reportable document, the fact's yuan equal the converted printed cells of the function
-- tables the facts read (int_fact_tables), to the cent. Row by row, independently of the
-- fact's macro: its basic figure (else its 人员经费 + 公用经费) plus its project figure
-- where a split is printed, else its total. A withheld table's figure, or a second table
-- of the same kind, summed into the fact would break this.
with cells as (
    select amounts.document_sha256, amounts.table_index, amounts.row_index, amounts.column_key, amounts.amount_yuan
    from {{ ref('int_amounts_yuan') }} as amounts
    inner join {{ ref('int_fact_tables') }} as fact_table
        on fact_table.document_sha256 = amounts.document_sha256
        and fact_table.table_index = amounts.table_index
    where amounts.table_kind in {{ sql_list(var('function_fact_scopes').keys() | list) }}
        and amounts.code is not null
        and amounts.amount_yuan is not null
),

printed_rows as (
    select
        document_sha256,
        table_index,
        row_index,
        coalesce(max(amount_yuan) filter (where column_key = 'basic'),
                 sum(amount_yuan) filter (where column_key in ('personnel', 'public'))) as basic_yuan,
        max(amount_yuan) filter (where column_key = 'project') as project_yuan,
        max(amount_yuan) filter (where column_key = 'total') as total_yuan
    from cells
    group by document_sha256, table_index, row_index
),

printed as (
    select
        document_sha256,
        sum(case when basic_yuan is null and project_yuan is null then total_yuan
                 else coalesce(basic_yuan, 0) + coalesce(project_yuan, 0) end) as printed_yuan
    from printed_rows
    group by document_sha256
),

modelled as (
    select document_sha256, sum(amount_yuan) as fact_yuan
    from {{ ref('fct_expenditure_by_function') }}
    group by document_sha256
),

reportable as (
    select document_sha256 from {{ ref('dim_document') }} where is_reportable
)

select reportable.document_sha256, printed.printed_yuan, modelled.fact_yuan
from reportable
left join printed using (document_sha256)
left join modelled using (document_sha256)
where coalesce(printed.printed_yuan, 0) <> coalesce(modelled.fact_yuan, 0)
