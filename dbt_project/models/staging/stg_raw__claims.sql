with source as (
    select * from {{ raw_source('raw', 'claims', ['sha256', 'claim_index', 'page', 'subject', 'amount', 'unit', 'share',
        'change', 'change_direction', 'text']) }}
),

renamed as (
    select
        cast(sha256 as varchar) as document_sha256,
        cast(claim_index as integer) as claim_index,
        cast(page as integer) as page_number,
        cast(subject as varchar) as subject,
        cast(amount as varchar) as amount_text,
        try_cast(cast(amount as varchar) as decimal(20, 6)) as amount_in_unit,
        cast(unit as varchar) as claim_unit,
        try_cast(cast(share as varchar) as decimal(9, 2)) as share_percent,
        try_cast(cast(change as varchar) as decimal(20, 6)) as change_in_unit,
        cast(change_direction as varchar) as change_direction,
        cast(text as varchar) as claim_text
    from source
)

select * from renamed
