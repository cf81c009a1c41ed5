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
{#- A delta night recomputes the region-years of its scope and the years after them (their change
    on the previous year), from those years and the years before (macros/delta.sql); and every
    region of a year whose class names changed (a name is the most printed spelling of an
    edition, so any document can change it). -#}
{%- set region_year = {'region_code': 'source.region_code', 'fiscal_year': 'source.fiscal_year', 'doc_type': 'source.doc_type'} %}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='region_function_spending_key',
          on_schema_change='fail',
          pre_hook="{{ delete_delta_scope(in_delta_groups({'region_code': 'target.region_code',
                     'fiscal_year': 'target.fiscal_year', 'doc_type': 'target.doc_type'}, [0, 1])) }}") }}

with classes as (
    select function_class_key, function_name from {{ ref('dim_function_class') }}
),

{% if reads_delta() -%}
renamed_years as (
    select distinct built.fiscal_year
    from {{ this }} as built
    left join classes on classes.function_class_key = built.fiscal_year || ':' || built.class_code
    where built.class_name is distinct from classes.function_name
),
{%- else -%}
renamed_years as (
    select cast(null as integer) as fiscal_year where false
),
{%- endif %}

spending as (
    select * from {{ ref('fct_expenditure_by_function') }} as source
    where budget_scope = 'general_public_budget'
        and function_code_length = 3
        and region_code is not null
        and ({{ in_delta_groups(region_year, [-1, 0, 1]) }}
            or fiscal_year in (select fiscal_year from renamed_years)
            or fiscal_year + 1 in (select fiscal_year from renamed_years))
),

withheld as (
    {{ documents_withheld_from('expenditure_by_function') }}
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
where {{ in_delta_groups({'region_code': 'current_year.region_code', 'fiscal_year': 'current_year.fiscal_year',
                          'doc_type': 'current_year.doc_type'}, [0, 1]) }}
    or current_year.fiscal_year in (select fiscal_year from renamed_years)
