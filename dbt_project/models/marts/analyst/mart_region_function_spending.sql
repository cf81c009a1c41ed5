-- Grain: one row per region × fiscal year × document type × function 类, summing the
-- 类 rows of every reportable department's 一般公共预算 expenditure table, with the
-- change on the previous year. Documents whose unit could not be placed in a
-- region are left out (dim_document.region_match says why).
--
-- Withheld tables (docs/quality.md): a department whose 一般公共预算 function table
-- (or whole document) the quality gate withheld is not in these sums. So that a
-- region's figure is never read as complete when it is not, n_documents_withheld
-- counts those departments' documents per region × year × type, and is_complete
-- is false when there are any.
with spending as (
    select * from {{ ref('fct_expenditure_by_function') }}
    where budget_scope = 'general_public_budget'
        and function_code_length = 3
        and region_code is not null
),

withheld as (
    {{ documents_withheld_from('expenditure_by_function') }}
),

classes as (
    select function_class_key, function_name from {{ ref('dim_function_class') }}
),

per_year as (
    select
        spending.region_code,
        spending.fiscal_year,
        spending.doc_type,
        spending.function_code as class_code,
        sum(spending.amount_yuan) as total_yuan,
        coalesce(sum(spending.amount_yuan) filter (where spending.expenditure_type = 'basic'), 0) as basic_yuan,
        coalesce(sum(spending.amount_yuan) filter (where spending.expenditure_type = 'project'), 0) as project_yuan,
        count(distinct spending.document_sha256) as n_documents,
        count(distinct spending.department_key) as n_departments,
        any_value(classes.function_name) as class_name
    from spending
    left join classes using (function_class_key)
    group by all
)

select
    md5(concat_ws('|', current_year.region_code, current_year.fiscal_year, current_year.doc_type,
        current_year.class_code)) as region_function_spending_key,
    current_year.region_code,
    current_year.fiscal_year,
    current_year.doc_type,
    current_year.class_code,
    current_year.class_name,
    cast(current_year.total_yuan as decimal(18, 2)) as total_yuan,
    cast(current_year.basic_yuan as decimal(18, 2)) as basic_yuan,
    cast(current_year.project_yuan as decimal(18, 2)) as project_yuan,
    current_year.n_documents,
    current_year.n_departments,
    coalesce(withheld.n_documents_withheld, 0) as n_documents_withheld,
    coalesce(withheld.n_documents_withheld, 0) = 0 as is_complete,
    cast(previous_year.total_yuan as decimal(18, 2)) as previous_year_total_yuan,
    cast(current_year.total_yuan - previous_year.total_yuan as decimal(18, 2)) as change_yuan,
    {{ percent_change('current_year.total_yuan', 'previous_year.total_yuan') }} as change_percent
from per_year as current_year
left join per_year as previous_year
    on previous_year.region_code = current_year.region_code
    and previous_year.doc_type = current_year.doc_type
    and previous_year.class_code = current_year.class_code
    and previous_year.fiscal_year = current_year.fiscal_year - 1
left join withheld
    on withheld.region_code = current_year.region_code
    and withheld.fiscal_year = current_year.fiscal_year
    and withheld.doc_type = current_year.doc_type
