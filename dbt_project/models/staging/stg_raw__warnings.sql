with source as (
    select * from {{ raw_source('raw', 'warnings', ['sha256', 'warning_index', 'message', 'table_index']) }}
),

renamed as (
    select
        cast(sha256 as varchar) as document_sha256,
        cast(warning_index as integer) as warning_index,
        cast(message as varchar) as warning_message,
        -- the table the warning is about, or null for the document as a whole
        cast(table_index as integer) as table_index
    from source
)

select * from renamed
