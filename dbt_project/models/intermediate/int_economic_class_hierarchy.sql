-- The economic classification per edition, in its two families: 部门预算支出经济分类
-- (3xx: 301 工资福利支出 …) and 政府预算支出经济分类 (5xx: 501 机关工资福利支出 …).
-- Codes the documents print plus the curated 类 / 款 list, placed by prefix (30101 → 301).
with observed as (
    select * from {{ ref('int_classification_codes_observed') }}
    where classification = 'economic'
),

curated as (
    select * from {{ ref('economic_classes_curated') }}
),

codes as (
    {{ classification_codes('observed', 'curated') }}
),

placed as (
    select
        fiscal_year,
        code,
        regexp_full_match(code, '[35][0-9]{2}([0-9]{2})?') as is_valid_code,
        case left(code, 1) when '3' then 'department' when '5' then 'government' end as family
    from codes
),

shaped as (
    select
        fiscal_year,
        code,
        is_valid_code,
        case when is_valid_code then family end as family,
        case when is_valid_code then case length(code) when 3 then '类' when 5 then '款' end end as class_level,
        case when is_valid_code and length(code) = 5 then left(code, 3) end as parent_code,
        case when is_valid_code then left(code, 3) end as class_code
    from placed
),

named as (
    {{ name_classification_codes('shaped', 'observed', 'curated') }}
)

select
    named.*,
    named.fiscal_year || ':' || named.code as economic_class_key,
    class.class_name as class_name_of_class,
    named.parent_code is null or parent.code is not null as has_parent
from named
left join named as parent on parent.fiscal_year = named.fiscal_year and parent.code = named.parent_code
left join named as class on class.fiscal_year = named.fiscal_year and class.code = named.class_code
