-- Nothing is lost or double counted between the raw layer and the fact: for every
-- reportable document, the fact's yuan equal the converted printed cells of its
-- published function tables (basic and project where printed, else the row total),
-- to the cent. A withheld table's figure summed into the fact would break this.
with printed as (
    select document_sha256, sum(amount_yuan) as printed_yuan
    from {{ ref('int_amounts_yuan') }} as amounts
    where table_kind in {{ sql_list(var('function_fact_scopes').keys() | list) }}
        and code is not null
        and amount_yuan is not null
        and {{ is_published_table('amounts.document_sha256', 'amounts.table_index') }}
        and (
            column_key in ('basic', 'project')
            or (column_key = 'total' and not exists (
                select 1 from {{ ref('int_amounts_yuan') }} as split
                where split.document_sha256 = amounts.document_sha256
                    and split.table_index = amounts.table_index
                    and split.row_index = amounts.row_index
                    and split.column_key in ('basic', 'project')
                    and split.amount_yuan is not null))
        )
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
