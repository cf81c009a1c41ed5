-- Grain: one row per document with narrative claims: how many of its claims name a
-- table figure, how many agree, differ, or could not be resolved (and why), and how
-- many stated changes were checked and differ.
with checks as (
    select * from {{ ref('mart_claim_checks') }}
)

select
    document_sha256,
    any_value(unit_name) as unit_name,
    any_value(region_code) as region_code,
    any_value(fiscal_year) as fiscal_year,
    any_value(doc_type) as doc_type,
    any_value(attachment_url) as attachment_url,
    bool_or(is_reportable) as is_reportable,
    count(*) as n_claims,
    count(*) filter (where verdict <> 'unresolved') as n_resolved,
    count(*) filter (where verdict = 'agrees') as n_agrees,
    count(*) filter (where verdict = 'differs') as n_differs,
    count(*) filter (where verdict = 'unresolved') as n_unresolved,
    -- figures no standard table prints (unresolved_class, parsers/claim_figures.py)
    count(*) filter (where unresolved_class = 'narrative_only') as n_narrative_only,
    -- figures whose table the document does not include (政府采购 without its table)
    count(*) filter (where unresolved_class = 'no_table') as n_no_table,
    -- no row named so and no cell holding the amount: a figure the tables do not print
    count(*) filter (where unresolved_class = 'not_printed') as n_not_printed,
    -- the claims a table of the document can print, and how many of them are resolved
    count(*) filter (where unresolved_class is null or unresolved_class not in ('narrative_only', 'no_table', 'not_printed'))
        as n_printable,
    count(*) filter (where unit_suspect) as n_unit_suspect,
    count(*) filter (where change_verdict is not null) as n_changes_checked,
    count(*) filter (where change_verdict = 'differs') as n_changes_differ,
    cast(count(*) filter (where verdict <> 'unresolved') * 100.0 / count(*) as decimal(5, 1)) as resolved_percent
from checks
group by document_sha256
