with source as (
    select * from {{ raw_source('raw', 'warnings', ['sha256', 'warning_index', 'message']) }}
),

renamed as (
    select
        cast(sha256 as varchar) as document_sha256,
        cast(warning_index as integer) as warning_index,
        cast(message as varchar) as warning_message
    from source
)

select * from renamed
