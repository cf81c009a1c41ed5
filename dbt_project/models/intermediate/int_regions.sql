-- GB/T 2260 regions with their province and prefecture resolved, so a county
-- can be matched by "<province><prefecture><county>" as well as by its own name.
with codes as (
    select * from {{ ref('region_codes_2024') }}
),

with_parents as (
    select
        codes.code as region_code,
        codes.name as region_name,
        codes.level as region_level,
        nullif(codes.parent_code, '') as parent_code,
        left(codes.code, 2) || '0000' as province_code
    from codes
)

select
    region.region_code,
    region.region_name,
    region.region_level,
    case region.region_level when 'province' then 1 when 'prefecture' then 2 when 'county' then 3 end as level_rank,
    region.parent_code,
    parent.region_name as parent_name,
    region.province_code,
    province.name as province_name,
    case
        when region.region_level = 'prefecture' then region.region_code
        when region.region_level = 'county' and parent.region_level = 'prefecture' then parent.region_code
    end as prefecture_code
from with_parents as region
left join with_parents as parent on parent.region_code = region.parent_code
left join codes as province on province.code = region.province_code
