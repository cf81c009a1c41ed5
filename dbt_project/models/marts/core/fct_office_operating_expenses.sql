-- Grain: one row per document × economic code of its 机关运行经费支出表 (the administrative
-- running costs of a department's offices, by 部门预算支出经济分类: 302 商品和服务支出,
-- 30201 办公费 …). One published table per document (int_fact_tables); rows with the same
-- code in that table (sub-units) are summed. The table's 合计 row is not a fact row: it is
-- the sum of the 类 rows, which the quality gate checks.
with documents as (
    select * from {{ ref('dim_document') }}
    where is_reportable
),

printed as (
    select amounts.*
    from {{ ref('int_amounts_yuan') }} as amounts
    inner join {{ ref('int_fact_tables') }} as fact_table
        on fact_table.document_sha256 = amounts.document_sha256
        and fact_table.table_index = amounts.table_index
    where amounts.table_kind = 'office_operating_expenses'
        and amounts.column_key = 'total'
        and amounts.code is not null
        and amounts.amount_yuan is not null
),

grained as (
    select
        document_sha256,
        code as economic_code,
        sum(amount_yuan) as amount_yuan,
        min(amount_unit) as printed_unit,
        min(table_index) as table_index,
        min(page_number) as page_number,
        count(*) as n_printed_rows
    from printed
    group by document_sha256, code
)

select
    md5(concat_ws('|', grained.document_sha256, grained.economic_code)) as office_operating_expense_key,
    grained.document_sha256,
    documents.department_key,
    documents.region_code,
    documents.fiscal_year,
    documents.doc_type,
    documents.fiscal_year || ':' || grained.economic_code as economic_class_key,
    grained.economic_code,
    length(grained.economic_code) as economic_code_length,
    cast(grained.amount_yuan as decimal(18, 2)) as amount_yuan,
    grained.printed_unit,
    grained.table_index,
    grained.page_number,
    grained.n_printed_rows,
    documents.attachment_url
from grained
inner join documents using (document_sha256)
