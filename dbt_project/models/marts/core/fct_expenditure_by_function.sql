-- Grain: one row per document × budget scope × function code × expenditure type
-- (basic 基本支出 / project 项目支出; "unsplit" when a row prints only its total).
-- Rows with the same code in one table (sub-units) are summed. Every row points
-- back to its document (sha256, URL) and the page and table it was printed on.
with documents as (
    select * from {{ ref('dim_document') }}
    where is_reportable
),

typed as (
    {{ amounts_by_expenditure_type(ref('int_amounts_yuan'),
        table_kinds=var('function_fact_scopes').keys() | list, split_keys=['basic', 'project'],
        parts_of={'basic': ['personnel', 'public']}) }}
),

scoped as (
    select
        typed.*,
        case typed.table_kind
            {%- for kind, scope in var('function_fact_scopes').items() %}
            when '{{ kind }}' then '{{ scope }}'
            {%- endfor %}
        end as budget_scope
    from typed
),

grained as (
    select
        document_sha256,
        budget_scope,
        code as function_code,
        expenditure_type,
        sum(amount_yuan) as amount_yuan,
        min(amount_unit) as printed_unit,
        min(table_index) as table_index,
        min(page_number) as page_number,
        count(*) as n_printed_rows
    from scoped
    group by document_sha256, budget_scope, code, expenditure_type
)

select
    md5(concat_ws('|', grained.document_sha256, grained.budget_scope, grained.function_code, grained.expenditure_type))
        as expenditure_by_function_key,
    grained.document_sha256,
    documents.department_key,
    documents.region_code,
    documents.fiscal_year,
    documents.doc_type,
    documents.fiscal_year || ':' || grained.function_code as function_class_key,
    grained.function_code,
    length(grained.function_code) as function_code_length,
    grained.budget_scope,
    grained.expenditure_type,
    cast(grained.amount_yuan as decimal(18, 2)) as amount_yuan,
    grained.printed_unit,
    grained.table_index,
    grained.page_number,
    grained.n_printed_rows,
    documents.attachment_url
from grained
inner join documents using (document_sha256)
