-- 支出经济分类 per edition: the 部门 (3xx) and 政府 (5xx) families, 类 / 款.
select
    economic_class_key,
    fiscal_year as edition_year,
    code as economic_code,
    family,
    case family when 'department' then '部门预算支出经济分类' when 'government' then '政府预算支出经济分类' end
        as family_label,
    class_level,
    class_name as economic_name,
    parent_code,
    class_code,
    class_name_of_class,
    name_source,
    is_curated,
    curated_name,
    is_valid_code,
    has_parent,
    n_rows_in_documents
from {{ ref('int_economic_class_hierarchy') }}
