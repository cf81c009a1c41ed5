-- Grain: one row per document × budget scope × function code × expenditure type
-- (basic 基本支出 / project 项目支出; "unsplit" when a row prints only its total).
-- Rows with the same code in one table (sub-units) are summed. Every row points
-- back to its document (sha256, URL) and the page and table it was printed on.
with typed as (
    {{ amounts_by_expenditure_type(
        "(select * from " ~ ref('int_amounts_yuan') ~ " where " ~ in_delta_scope('document_sha256') ~ ")",
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

fact as (
    {{ expenditure_fact('scoped', 'expenditure_by_function_key', 'function', ['budget_scope', 'expenditure_type'],
        key_parts=['budget_scope', 'function_code', 'expenditure_type']) }}
)

select * from fact
