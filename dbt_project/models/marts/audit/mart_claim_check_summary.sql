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
    count(*) filter (where verdict = 'unresolved' and resolution_note like '%no standard table%'
                     or verdict = 'unresolved' and resolution_note like '%not a table figure%'
                     or verdict = 'unresolved' and resolution_note like '%tables do not print%') as n_narrative_only,
    -- no row named so and no cell holding the amount: a figure the tables do not print
    count(*) filter (where verdict = 'unresolved' and resolution_note like 'not printed in a table%') as n_not_printed,
    count(*) filter (where unit_suspect) as n_unit_suspect,
    count(*) filter (where change_verdict is not null) as n_changes_checked,
    count(*) filter (where change_verdict = 'differs') as n_changes_differ,
    cast(count(*) filter (where verdict <> 'unresolved') * 100.0 / count(*) as decimal(5, 1)) as resolved_percent
from checks
group by document_sha256
