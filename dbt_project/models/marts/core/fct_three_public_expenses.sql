-- Grain: one row per document × 三公 item (total, overseas, vehicle_purchase,
-- vehicle_operation, reception; meeting/training where printed). Budgets print one
-- amount (the plan); final accounts print budget and actual side by side.
with amounts as (
    select * from {{ ref('int_amounts_yuan') }}
    where table_kind = 'three_public_expenses'
        and three_public_item is not null
        and amount_yuan is not null
        and {{ is_published_table() }}
        and {{ in_delta_scope('document_sha256') }}
),

documents as (
    select * from {{ ref('dim_document') }}
    where is_reportable and {{ in_delta_scope('document_sha256') }}
),

grained as (
    select
        amounts.document_sha256,
        amounts.three_public_item as item,
        -- the item's figure; a table printing it only by source (一般公共预算 | 政府性基金 |
        -- 国有资本经营) gives it as the sum of its sources
        coalesce(sum(amounts.amount_yuan) filter (where amounts.column_key = 'amount'),
                 sum(amounts.amount_yuan) filter (
                     where amounts.column_key in ('general_budget', 'government_fund', 'state_capital')))
            as printed_amount_yuan,
        sum(amounts.amount_yuan) filter (where amounts.column_key = 'budget') as budget_column_yuan,
        sum(amounts.amount_yuan) filter (where amounts.column_key = 'actual') as actual_column_yuan,
        min(amounts.amount_unit) as printed_unit,
        min(amounts.table_index) as table_index,
        min(amounts.page_number) as page_number
    from amounts
    group by amounts.document_sha256, amounts.three_public_item
)

select
    md5(concat_ws('|', grained.document_sha256, grained.item)) as three_public_expense_key,
    grained.document_sha256,
    documents.department_key,
    documents.region_code,
    documents.fiscal_year,
    documents.doc_type,
    grained.item,
    case grained.item
        when 'total' then '“三公”经费合计'
        when 'overseas' then '因公出国（境）费'
        when 'vehicle_purchase' then '公务用车购置费'
        when 'vehicle_operation' then '公务用车运行维护费'
        when 'reception' then '公务接待费'
        when 'meeting' then '会议费'
        when 'training' then '培训费'
    end as item_label,
    cast(coalesce(grained.budget_column_yuan,
        case when documents.doc_type = 'budget' then grained.printed_amount_yuan end) as decimal(18, 2))
        as planned_yuan,
    cast(coalesce(grained.actual_column_yuan,
        case when documents.doc_type = 'final_account' then grained.printed_amount_yuan end) as decimal(18, 2))
        as actual_yuan,
    grained.printed_unit,
    grained.table_index,
    grained.page_number,
    documents.attachment_url
from grained
inner join documents using (document_sha256)
