-- GB/T 2260 administrative divisions at county level and above (2024-12-31 list).
with regions as (
    select * from {{ ref('int_regions') }}
)

select
    region.region_code,
    region.region_name,
    region.region_level,
    region.parent_code,
    region.province_code,
    region.province_name,
    region.prefecture_code,
    prefecture.region_name as prefecture_name
from regions as region
left join regions as prefecture on prefecture.region_code = region.prefecture_code
