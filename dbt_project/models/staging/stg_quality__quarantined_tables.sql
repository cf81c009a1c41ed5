-- A view, not a table: the quality checkpoint writes its source between
-- `dbt build --exclude marts` and `dbt build --select marts`, and the marts must see that.
{{ config(materialized='view') }}

with source as (
    select * from {{ source('quality', 'quarantined_tables') }}
),

renamed as (
    select
        cast(sha256 as varchar) as document_sha256,
        cast(table_index as integer) as table_index,
        any_value(cast(table_kind as varchar)) as table_kind,
        string_agg(distinct cast(reasons as varchar), chr(10)) as withhold_reasons,  -- one reason per line
        max(cast(run_id as varchar)) as quality_run_id
    from source
    where sha256 is not null and table_index is not null
    group by 1, 2
)

select * from renamed
