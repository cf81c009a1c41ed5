with source as (
    select * from {{ raw_source('raw', 'targets', ['sha256', 'table_index', 'page', 'row_index', 'project_code',
        'project_name', 'level1', 'level2', 'level3', 'target', 'project_funds', 'project_funds_unit']) }}
),

renamed as (
    select
        cast(sha256 as varchar) as document_sha256,
        cast(table_index as integer) as table_index,
        cast(page as integer) as page_number,
        cast(row_index as integer) as row_index,
        cast(project_code as varchar) as project_code,
        cast(project_name as varchar) as project_name,
        cast(level1 as varchar) as indicator_level1,
        cast(level2 as varchar) as indicator_level2,
        cast(level3 as varchar) as indicator_name,
        cast(target as varchar) as target_value,
        -- the project's funding lines as printed, JSON {label: amount} (资金总额 / 财政拨款 / 其他资金)
        cast(project_funds as varchar) as project_funds_json,
        cast(project_funds_unit as varchar) as project_funds_unit
    from source
)

select * from renamed
