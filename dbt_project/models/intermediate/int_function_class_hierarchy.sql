-- The function classification (支出功能分类) per edition: every code the documents
-- print, plus the curated 类 / 款 list, placed in the 类 → 款 → 项 hierarchy by
-- prefix (a 项 2010301 belongs to 款 20103, which belongs to 类 201).
with observed as (
    select * from {{ ref('int_classification_codes_observed') }}
    where classification = 'function'
),

curated as (
    select * from {{ ref('function_classes_curated') }}
),

codes as (
    {{ classification_codes('observed', 'curated') }}
),

shaped as (
    select
        fiscal_year,
        code,
        regexp_full_match(code, '2[0-9]{2}([0-9]{2}){0,2}') as is_valid_code
    from codes
),

placed as (
    select
        fiscal_year,
        code,
        is_valid_code,
        case when is_valid_code then case length(code) when 3 then '类' when 5 then '款' when 7 then '项' end end
            as class_level,
        case when is_valid_code and length(code) > 3 then left(code, length(code) - 2) end as parent_code,
        case when is_valid_code then left(code, 3) end as class_code,
        case when is_valid_code and length(code) >= 5 then left(code, 5) end as subclass_code
    from shaped
),

named as (
    {{ name_classification_codes('placed', 'observed', 'curated') }}
)

select
    named.*,
    named.fiscal_year || ':' || named.code as function_class_key,
    class.class_name as class_name_of_class,
    subclass.class_name as subclass_name,
    -- prefix consistency: a 款 needs its 类 and a 项 its 款 in the same edition
    named.parent_code is null or parent.code is not null as has_parent
from named
left join named as parent on parent.fiscal_year = named.fiscal_year and parent.code = named.parent_code
left join named as class on class.fiscal_year = named.fiscal_year and class.code = named.class_code
left join named as subclass on subclass.fiscal_year = named.fiscal_year and subclass.code = named.subclass_code
