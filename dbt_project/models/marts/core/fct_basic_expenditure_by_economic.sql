-- Grain: one row per document × economic code × expenditure type
-- (personnel 人员经费 / public 公用经费; "unsplit" when a row prints only its total),
-- from the 一般公共预算基本支出表. Rows with the same code in one table are summed.
with documents as (
    select * from {{ ref('dim_document') }}
    where is_reportable
),

typed as (
    {{ amounts_by_expenditure_type(ref('int_amounts_yuan'),
        table_kinds=['basic_expenditure_by_economic'], split_keys=['personnel', 'public']) }}
),

grained as (
    select
        document_sha256,
        code as economic_code,
        expenditure_type,
        sum(amount_yuan) as amount_yuan,
        min(amount_unit) as printed_unit,
        min(table_index) as table_index,
        min(page_number) as page_number,
        count(*) as n_printed_rows
    from typed
    group by document_sha256, code, expenditure_type
)

select
    md5(concat_ws('|', grained.document_sha256, grained.economic_code, grained.expenditure_type))
        as basic_expenditure_by_economic_key,
    grained.document_sha256,
    documents.department_key,
    documents.region_code,
    documents.fiscal_year,
    documents.doc_type,
    documents.fiscal_year || ':' || grained.economic_code as economic_class_key,
    grained.economic_code,
    length(grained.economic_code) as economic_code_length,
    grained.expenditure_type,
    cast(grained.amount_yuan as decimal(18, 2)) as amount_yuan,
    grained.printed_unit,
    grained.table_index,
    grained.page_number,
    grained.n_printed_rows,
    documents.attachment_url
from grained
inner join documents using (document_sha256)
