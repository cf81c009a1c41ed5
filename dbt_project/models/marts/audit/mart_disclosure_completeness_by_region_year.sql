-- Grain: one row per region × fiscal year × document type: how completely its
-- departments disclosed (mean, lowest and highest score), how many documents miss a
-- standard table or an explanation, and the region's rank among the regions of the
-- same year and type (1 = most complete), the way the transparency indices rank.
with scores as (
    select * from {{ ref('mart_disclosure_completeness') }}
    -- a file with none of the standard tables (a performance-target form, a notice filed
    -- as the budget) is listed in the document mart but not ranked
    where region_code is not null and n_tables_missing < 9
),

per_region as (
    select
        region_code,
        fiscal_year,
        doc_type,
        count(*) as n_documents,
        cast(avg(completeness_score) as decimal(5, 1)) as mean_score,
        min(completeness_score) as min_score,
        max(completeness_score) as max_score,
        count(*) filter (where n_tables_missing > 0) as n_documents_missing_a_table,
        count(*) filter (where n_tables_empty_without_note > 0) as n_documents_empty_table_without_note,
        count(*) filter (where e_three_public = 'missing') as n_documents_without_three_public_explanation,
        count(*) filter (where n_explanations_missing > 0) as n_documents_missing_an_explanation
    from scores
    group by region_code, fiscal_year, doc_type
)

select
    md5(concat_ws('|', region_code, fiscal_year, doc_type)) as disclosure_region_year_key,
    *,
    rank() over (partition by fiscal_year, doc_type order by mean_score desc) as rank_in_year
from per_region
