-- Grain: one row per document × economic code × expenditure type
-- (personnel 人员经费 / public 公用经费; "unsplit" when a row prints only its total),
-- from the 一般公共预算基本支出表. Rows with the same code in one table are summed.
with typed as (
    {{ amounts_by_expenditure_type(
        "(select * from " ~ ref('int_amounts_yuan') ~ " where " ~ in_delta_scope('document_sha256') ~ ")",
        table_kinds=['basic_expenditure_by_economic'], split_keys=['personnel', 'public']) }}
),

fact as (
    {{ expenditure_fact('typed', 'basic_expenditure_by_economic_key', 'economic', ['expenditure_type'],
        key_parts=['economic_code', 'expenditure_type']) }}
)

select * from fact
