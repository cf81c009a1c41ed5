-- Grain: one row per narrative claim (document × claim_index): what the 情况说明 says,
-- the table figure it names (table, row, column, as printed), both in yuan, the
-- difference and the verdict (agrees / differs / unresolved), and the checks of the
-- change it states. Every parsed document is listed (is_reportable says whether its
-- figures reach the facts): words against figures is an audit of the document itself.
with checks as (
    select * from {{ ref('int_claim_checks') }}
),

documents as (
    select document_sha256, attachment_url, is_reportable, is_quarantined
    from {{ ref('dim_document') }}
)

select
    md5(concat_ws('|', checks.document_sha256, checks.claim_index)) as claim_check_key,
    checks.document_sha256,
    checks.claim_index,
    checks.unit_name,
    checks.department_key,
    checks.region_code,
    checks.fiscal_year,
    checks.doc_type,
    checks.page_number,
    checks.claim_text,
    checks.subject,
    checks.figure,
    checks.printed_code,
    checks.amount_text as claim_amount_text,
    checks.claim_unit,
    checks.claim_yuan,
    checks.resolved_table_index,
    checks.resolved_table_kind,
    checks.resolved_table_title,
    checks.resolved_row_index,
    checks.resolved_row_name,
    checks.resolved_column_key,
    checks.resolved_page_number,
    checks.resolved_amount_text as table_amount_text,
    checks.resolved_unit as table_unit,
    checks.table_yuan,
    checks.difference_yuan,
    checks.rounding_tolerance,
    checks.verdict,
    checks.agrees_by_truncation,
    checks.resolution_note,
    checks.unresolved_class,
    checks.n_candidates,
    checks.unit_suspect,
    checks.change_direction,
    checks.change_in_unit,
    checks.change_unit,
    checks.stated_change_yuan,
    checks.stated_change_percent,
    checks.implied_change_percent,
    checks.change_percent_verdict,
    checks.prior_column_yuan,
    checks.change_column_verdict,
    checks.prior_document_sha256,
    checks.prior_document_yuan,
    checks.change_prior_document_verdict,
    case
        when 'differs' in (checks.change_percent_verdict, checks.change_column_verdict,
                           checks.change_prior_document_verdict) then 'differs'
        when 'agrees' in (checks.change_percent_verdict, checks.change_column_verdict,
                          checks.change_prior_document_verdict) then 'agrees'
    end as change_verdict,
    documents.attachment_url,
    coalesce(documents.is_reportable, false) as is_reportable
from checks
left join documents using (document_sha256)
