-- Which GB/T 2260 region a publishing unit belongs to, from its name: disclosures
-- name the unit with its locality first (平乡县人民政府办公室, 宿州市埇桥区财政局,
-- 中共濉溪县委办公室). The most specific level that matches wins; a name that
-- matches two regions at that level (朝阳区 is in Beijing and Changchun) is left
-- unresolved rather than guessed.
with units as (
    select distinct
        {{ normalise_unit_name('unit_name') }} as unit_name_normalised
    from {{ ref('stg_raw__documents') }}
    where {{ normalise_unit_name('unit_name') }} is not null
),

match_names as (
    select
        unit_name_normalised,
        regexp_replace(unit_name_normalised, '^(中共|中国共产党)', '') as match_name
    from units
),

regions as (
    select * from {{ ref('int_regions') }}
),

candidates as (
    select
        match_names.unit_name_normalised,
        regions.region_code,
        regions.level_rank
    from match_names
    inner join regions
        on starts_with(match_names.match_name, regions.region_name)
        or starts_with(match_names.match_name, regions.parent_name || regions.region_name)
        or starts_with(match_names.match_name, regions.province_name || regions.region_name)
        or starts_with(match_names.match_name, regions.province_name || regions.parent_name || regions.region_name)
),

most_specific as (
    select *
    from candidates
    qualify level_rank = max(level_rank) over (partition by unit_name_normalised)
),

resolved as (
    select
        unit_name_normalised,
        count(distinct region_code) as n_candidate_regions,
        case when count(distinct region_code) = 1 then min(region_code) end as region_code
    from most_specific
    group by unit_name_normalised
)

select
    units.unit_name_normalised,
    resolved.region_code,
    case
        when resolved.region_code is not null then 'matched'
        when resolved.n_candidate_regions > 1 then 'ambiguous'
        else 'no_match'
    end as region_match
from units
left join resolved using (unit_name_normalised)
