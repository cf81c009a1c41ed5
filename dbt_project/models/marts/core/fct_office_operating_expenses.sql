-- Grain: one row per document × economic code of its 机关运行经费支出表 (the administrative
-- running costs of a department's offices, by 部门预算支出经济分类: 302 商品和服务支出,
-- 30201 办公费 …). One published table per document (int_fact_tables); rows with the same
-- code in that table (sub-units) are summed. The table's 合计 row is not a fact row: it is
-- the sum of the 类 rows, which the quality gate checks.
with printed as (
    select amounts.*
    from {{ ref('int_amounts_yuan') }} as amounts
    inner join {{ ref('int_fact_tables') }} as fact_table
        on fact_table.document_sha256 = amounts.document_sha256
        and fact_table.table_index = amounts.table_index
    where amounts.table_kind = 'office_operating_expenses'
        and amounts.column_key = 'total'
        and amounts.code is not null
        and amounts.amount_yuan is not null
        and {{ in_delta_scope('amounts.document_sha256') }}
),

fact as (
    {{ expenditure_fact('printed', 'office_operating_expense_key', 'economic', [],
        key_parts=['economic_code']) }}
)

select * from fact
