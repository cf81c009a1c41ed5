-- Grain: one row per parsed budget / final-account document: for each standard table of
-- the national template whether it is present, empty with its note, empty without one,
-- or missing; whether each required explanation is given; how many tables carry their
-- unit and their 部门/单位 name; and a score out of 100 with the weights of the seed
-- disclosure_template (docs/disclosure-completeness.md).
{%- set tables = ['t_income_expenditure_summary', 't_income_summary', 't_expenditure_summary',
                  't_fiscal_appropriation_summary', 't_expenditure_by_function', 't_basic_expenditure_by_economic',
                  't_three_public_expenses', 't_government_fund_expenditure', 't_state_capital_expenditure'] %}
{%- set explanations = ['e_three_public', 'e_operation_cost', 'e_procurement', 'e_assets', 'e_performance',
                        'e_glossary'] %}
with items as (
    select * from {{ ref('int_disclosure_items') }}
),

documents as (
    select document_sha256, unit_name, department_key, region_code, fiscal_year, doc_type, attachment_url,
           is_reportable, is_quarantined
    from {{ ref('dim_document') }}
),

per_document as (
    select
        document_sha256,
        {%- for item in tables + explanations + ['l_units', 'l_unit_names'] %}
        any_value(status) filter (where item = '{{ item }}') as {{ item }},
        {%- endfor %}
        count(*) filter (where item_group = 'table' and status = 'missing') as n_tables_missing,
        count(*) filter (where item_group = 'table' and status = 'empty_without_note') as n_tables_empty_without_note,
        count(*) filter (where item_group = 'explanation' and status = 'missing') as n_explanations_missing,
        sum(weight) filter (where credit is not null) as weight_known,
        sum(weight * credit) as points
    from items
    group by document_sha256
)

select
    per_document.document_sha256,
    documents.unit_name,
    documents.department_key,
    documents.region_code,
    documents.fiscal_year,
    documents.doc_type,
    documents.attachment_url,
    coalesce(documents.is_reportable, false) as is_reportable,
    {%- for item in tables + explanations + ['l_units', 'l_unit_names'] %}
    per_document.{{ item }},
    {%- endfor %}
    per_document.n_tables_missing,
    per_document.n_tables_empty_without_note,
    per_document.n_explanations_missing,
    per_document.weight_known,
    cast(per_document.points * 100 / nullif(per_document.weight_known, 0) as decimal(5, 1)) as completeness_score
from per_document
left join documents using (document_sha256)
