-- Grain: one row per document × income source (财政拨款收入 or its parts 一般公共预算 /
-- 政府性基金 / 国有资本经营, 事业收入, 上年结转 …), from the 收入总表's total row (the row the
-- parser read as the table's total: 合计, or the department row over its units); a table
-- without a total row is summed over its 类 rows. Columns kept under their printed header
-- (col:…, e.g. the parts of a carry-over) are no source of their own here.
with amounts as (
    select * from {{ ref('int_amounts_yuan') }}
    where table_kind = 'income_summary'
        and column_key not in ('total', 'current_year_subtotal')
        and column_key not like 'col:%'
        and amount_yuan is not null
        and {{ is_published_table() }}
        and {{ in_delta_scope('document_sha256') }}
),

documents as (
    select * from {{ ref('dim_document') }}
    where is_reportable and {{ in_delta_scope('document_sha256') }}
),

total_rows as (
    -- the table's total row: the parser's role total, else (no roles, e.g. the corpus ground
    -- truth) no code and a name like 合计 / 总计 (as countybudget.identities reads it)
    select document_sha256, table_index, row_index
    from amounts
    where row_role = 'total'
        or (row_role is null and {{ is_total_row('code', 'row_name') }})
    qualify row_number() over (partition by document_sha256, table_index order by row_index) = 1
),

from_total_row as (
    select amounts.document_sha256, amounts.column_key, amounts.amount_yuan, amounts.page_number,
        amounts.table_index, amounts.amount_unit
    from amounts
    inner join total_rows using (document_sha256, table_index, row_index)
),

from_class_rows as (
    select document_sha256, column_key, amount_yuan, page_number, table_index, amount_unit
    from amounts
    where length(code) = 3
        and document_sha256 not in (select document_sha256 from total_rows)
),

sourced as (
    select *, 'total_row' as derived_from from from_total_row
    union all
    select *, 'class_rows' from from_class_rows
),

grained as (
    select
        document_sha256,
        column_key as income_source,
        sum(amount_yuan) as amount_yuan,
        min(amount_unit) as printed_unit,
        min(table_index) as table_index,
        min(page_number) as page_number,
        min(derived_from) as derived_from
    from sourced
    group by document_sha256, column_key
)

select
    md5(concat_ws('|', grained.document_sha256, grained.income_source)) as income_by_source_key,
    grained.document_sha256,
    documents.department_key,
    documents.region_code,
    documents.fiscal_year,
    documents.doc_type,
    grained.income_source,
    cast(grained.amount_yuan as decimal(18, 2)) as amount_yuan,
    grained.derived_from,
    grained.printed_unit,
    grained.table_index,
    grained.page_number,
    documents.attachment_url
from grained
inner join documents using (document_sha256)
