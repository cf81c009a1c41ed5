-- Grain: one row per region × fiscal year × document type: the 三公 expenses of
-- every reportable department, per item, planned (budgets) and actual (final accounts).
-- A department whose 三公 table (or whole document) the quality gate withheld is not in
-- these sums: n_documents_withheld counts them and is_complete is false when there are any.
{#- A delta night recomputes the region-years of its scope (macros/delta.sql). -#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='three_public_region_year_key',
          on_schema_change='fail',
          pre_hook="{{ delete_delta_scope(in_delta_groups({'region_code': 'target.region_code',
                     'fiscal_year': 'target.fiscal_year', 'doc_type': 'target.doc_type'})) }}") }}

with expenses as (
    select * from {{ ref('fct_three_public_expenses') }} as source
    where region_code is not null
        and {{ in_delta_groups({'region_code': 'source.region_code', 'fiscal_year': 'source.fiscal_year',
                                'doc_type': 'source.doc_type'}) }}
),

withheld as (
    {{ documents_withheld_from('three_public_expenses') }}
),

per_region as (
    select
        region_code,
        fiscal_year,
        doc_type,
        count(distinct document_sha256) as n_documents,
        {%- for item in ['total', 'overseas', 'vehicle_purchase', 'vehicle_operation', 'reception'] %}
        sum(planned_yuan) filter (where item = '{{ item }}') as planned_{{ item }}_yuan,
        sum(actual_yuan) filter (where item = '{{ item }}') as actual_{{ item }}_yuan{{ "," if not loop.last }}
        {%- endfor %}
    from expenses
    group by region_code, fiscal_year, doc_type
)

select
    md5(concat_ws('|', region_code, fiscal_year, doc_type)) as three_public_region_year_key,
    region_code,
    fiscal_year,
    doc_type,
    n_documents,
    coalesce(withheld.n_documents_withheld, 0) as n_documents_withheld,
    coalesce(withheld.n_documents_withheld, 0) = 0 as is_complete,
    {%- for item in ['total', 'overseas', 'vehicle_purchase', 'vehicle_operation', 'reception'] %}
    cast(planned_{{ item }}_yuan as decimal(18, 2)) as planned_{{ item }}_yuan,
    cast(actual_{{ item }}_yuan as decimal(18, 2)) as actual_{{ item }}_yuan,
    {%- endfor %}
    {{ percent_change('actual_total_yuan', 'planned_total_yuan') }} as actual_vs_planned_percent
from per_region
left join withheld using (region_code, fiscal_year, doc_type)
