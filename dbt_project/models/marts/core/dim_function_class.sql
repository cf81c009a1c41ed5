-- 支出功能分类 per edition (fiscal year): 类 / 款 / 项 with their names.
select
    function_class_key,
    fiscal_year as edition_year,
    code as function_code,
    class_level,
    class_name as function_name,
    parent_code,
    class_code,
    class_name_of_class,
    subclass_code,
    subclass_name,
    name_source,
    is_curated,
    curated_name,
    is_valid_code,
    has_parent,
    n_rows_in_documents
from {{ ref('int_function_class_hierarchy') }}
