-- Every fiscal year from the first to the last year any document covers (no gaps,
-- so year-on-year comparisons can find the previous year).
with bounds as (
    select min(fiscal_year) as first_year, max(fiscal_year) as last_year
    from {{ ref('int_documents') }}
    where fiscal_year between 1990 and 2100
),

years as (
    select cast(generate_series as integer) as fiscal_year
    from bounds, generate_series(bounds.first_year, bounds.last_year)
)

select
    fiscal_year,
    fiscal_year || '年' as fiscal_year_label,
    fiscal_year - 1 as previous_fiscal_year,
    make_date(fiscal_year, 1, 1) as starts_on,
    make_date(fiscal_year, 12, 31) as ends_on
from years
