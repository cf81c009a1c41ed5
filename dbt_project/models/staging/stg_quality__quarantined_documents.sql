-- A view, not a table: the quality checkpoint writes its source between
-- `dbt build --exclude marts` and `dbt build --select marts`, and the marts must see that.
{{ config(materialized='view') }}

with source as (
    select * from {{ source('quality', 'quarantined_documents') }}
),

renamed as (
    -- reasons may be VARCHAR or VARCHAR[] depending on the checkpoint's writer: keep it as text
    select
        cast(sha256 as varchar) as document_sha256,
        string_agg(distinct cast(reasons as varchar), chr(10)) as quarantine_reasons  -- one reason per line
    from source
    where sha256 is not null
    group by 1
)

select * from renamed
