-- 基本支出 by function (类 rows) = 基本支出 by economic class (类 rows) in every
-- reportable document that prints both tables, within the rounding of every row summed
-- (countybudget.identities: half a printed cent, 0.01 of the table's unit, per row).
{{ config(severity='warn') }}

with by_function as (
    select document_sha256, sum(amount_yuan) as basic_yuan, count(*) as n_rows,
        max({{ unit_factor('printed_unit') }}) as yuan_per_unit
    from {{ ref('fct_expenditure_by_function') }}
    where budget_scope = 'general_public_budget' and function_code_length = 3 and expenditure_type = 'basic'
    group by document_sha256
),

by_economic as (
    select document_sha256, sum(amount_yuan) as basic_yuan, count(*) as n_rows,
        max({{ unit_factor('printed_unit') }}) as yuan_per_unit
    from {{ ref('fct_basic_expenditure_by_economic') }}
    where economic_code_length = 3
    group by document_sha256
)

select by_function.document_sha256, by_function.basic_yuan as by_function_yuan, by_economic.basic_yuan as by_economic_yuan
from by_function
inner join by_economic using (document_sha256)
where abs(by_function.basic_yuan - by_economic.basic_yuan)
    > {{ var('rounding_tolerance_per_figure') }} * greatest(by_function.yuan_per_unit, by_economic.yuan_per_unit) * (by_function.n_rows + by_economic.n_rows)
