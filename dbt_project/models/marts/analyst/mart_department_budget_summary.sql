-- Grain: one row per department × fiscal year × document type (a department-year
-- has one budget and, later, one final account): total, basic and project spending
-- (一般公共预算, summed over 类 rows), personnel and public (基本支出 by economic
-- class), 三公, and the change on the previous year.
--
-- Withheld tables (docs/quality.md): each figure here is built from one kind of table
-- (spending from the 一般公共预算 function tables, personnel / public from the basic
-- expenditure tables by economic class, 三公 from the 三公 table). When the quality
-- gate withheld a table of that kind, the figure is NULL, never the sum of what is
-- left: a partial sum would read as the department's whole. is_complete says whether
-- every figure is there; withheld_parts names the ones that are not (NULL is also what
-- a document that does not print the table gets, so the two are told apart here).
{#- A delta night recomputes the department-years of its scope and the years after them (their
    change on the previous year), from those years and the years before (macros/delta.sql). -#}
{#- the group columns of a row aliased `source` (qualified: the scope has columns of these names) -#}
{%- set group = {'department_key': 'source.department_key', 'fiscal_year': 'source.fiscal_year', 'doc_type': 'source.doc_type'} %}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='department_budget_summary_key',
          on_schema_change='fail',
          pre_hook="{{ delete_delta_scope(in_delta_groups({'department_key': 'target.department_key',
                     'fiscal_year': 'target.fiscal_year', 'doc_type': 'target.doc_type'}, [0, 1])) }}") }}

with documents as (
    select * from {{ ref('dim_document') }} as source
    where is_reportable and {{ in_delta_groups(group, [-1, 0, 1]) }}
),

spending as (
    select
        document_sha256,
        sum(amount_yuan) as total_yuan,
        coalesce(sum(amount_yuan) filter (where expenditure_type = 'basic'), 0) as basic_yuan,
        coalesce(sum(amount_yuan) filter (where expenditure_type = 'project'), 0) as project_yuan
    from {{ ref('fct_expenditure_by_function') }} as source
    where budget_scope = 'general_public_budget' and function_code_length = 3
        and {{ in_delta_groups(group, [-1, 0, 1]) }}
    group by document_sha256
),

basic_by_economic as (
    select
        document_sha256,
        sum(amount_yuan) filter (where expenditure_type = 'personnel') as personnel_yuan,
        sum(amount_yuan) filter (where expenditure_type = 'public') as public_yuan
    from {{ ref('fct_basic_expenditure_by_economic') }} as source
    where economic_code_length = 3
        and {{ in_delta_groups(group, [-1, 0, 1]) }}
    group by document_sha256
),

three_public as (
    select
        document_sha256,
        -- the printed total, else the sum of the four items that make it
        coalesce(
            max(coalesce(actual_yuan, planned_yuan)) filter (where item = 'total'),
            sum(coalesce(actual_yuan, planned_yuan))
                filter (where item in ('overseas', 'vehicle_purchase', 'vehicle_operation', 'reception'))
        ) as three_public_yuan
    from {{ ref('fct_three_public_expenses') }} as source
    where {{ in_delta_groups(group, [-1, 0, 1]) }}
    group by document_sha256
),

parts_withheld as (
    -- which figures of the summary lean on a withheld table
    select
        document_sha256,
        list_contains(withheld_table_kinds, 'expenditure_by_function') as spending_withheld,
        list_contains(withheld_table_kinds, 'basic_expenditure_by_economic') as economic_withheld,
        list_contains(withheld_table_kinds, 'three_public_expenses') as three_public_withheld
    from documents
),

per_year as (
    select
        documents.department_key,
        documents.fiscal_year,
        documents.doc_type,
        documents.document_sha256,
        documents.region_code,
        documents.unit_name,
        documents.publication_status,
        case when not parts_withheld.spending_withheld then spending.total_yuan end as total_yuan,
        case when not parts_withheld.spending_withheld then spending.basic_yuan end as basic_yuan,
        case when not parts_withheld.spending_withheld then spending.project_yuan end as project_yuan,
        case when not parts_withheld.economic_withheld then basic_by_economic.personnel_yuan end as personnel_yuan,
        case when not parts_withheld.economic_withheld then basic_by_economic.public_yuan end as public_yuan,
        case when not parts_withheld.three_public_withheld then three_public.three_public_yuan end as three_public_yuan,
        list_concat(
            case when parts_withheld.spending_withheld then ['total', 'basic', 'project'] else [] end,
            case when parts_withheld.economic_withheld then ['personnel', 'public'] else [] end,
            case when parts_withheld.three_public_withheld then ['three_public'] else [] end
        ) as withheld_parts
    from documents
    inner join parts_withheld using (document_sha256)
    left join spending using (document_sha256)
    left join basic_by_economic using (document_sha256)
    left join three_public using (document_sha256)
    where documents.department_key is not null
)

select
    md5(concat_ws('|', current_year.department_key, current_year.fiscal_year, current_year.doc_type))
        as department_budget_summary_key,
    current_year.department_key,
    current_year.fiscal_year,
    current_year.doc_type,
    current_year.document_sha256,
    current_year.region_code,
    current_year.unit_name,
    current_year.publication_status,
    len(current_year.withheld_parts) = 0 as is_complete,
    current_year.withheld_parts,
    cast(current_year.total_yuan as decimal(18, 2)) as total_yuan,
    cast(current_year.basic_yuan as decimal(18, 2)) as basic_yuan,
    cast(current_year.project_yuan as decimal(18, 2)) as project_yuan,
    cast(current_year.personnel_yuan as decimal(18, 2)) as personnel_yuan,
    cast(current_year.public_yuan as decimal(18, 2)) as public_yuan,
    cast(current_year.three_public_yuan as decimal(18, 2)) as three_public_yuan,
    cast(previous_year.total_yuan as decimal(18, 2)) as previous_year_total_yuan,
    cast(current_year.total_yuan - previous_year.total_yuan as decimal(18, 2)) as change_yuan,
    {{ percent_change('current_year.total_yuan', 'previous_year.total_yuan') }} as change_percent
from per_year as current_year
left join per_year as previous_year
    on previous_year.department_key = current_year.department_key
    and previous_year.doc_type = current_year.doc_type
    and previous_year.fiscal_year = current_year.fiscal_year - 1
where {{ in_delta_groups({'department_key': 'current_year.department_key', 'fiscal_year': 'current_year.fiscal_year',
                          'doc_type': 'current_year.doc_type'}, [0, 1]) }}
