with source as (
    select * from {{ raw_source('raw', 'amounts', ['sha256', 'table_index', 'table_kind', 'table_title', 'unit', 'page',
        'row_index', 'code', 'name', 'item', 'side', 'column_key', 'amount',
        'row_role', 'row_level', 'code_source', 'unit_code', 'other_codes', 'source', 'confidence']) }}
),

renamed as (
    select
        cast(sha256 as varchar) as document_sha256,
        cast(table_index as integer) as table_index,
        cast(table_kind as varchar) as table_kind,
        cast(table_title as varchar) as table_title,
        cast(unit as varchar) as table_unit,
        cast(page as integer) as page_number,
        cast(row_index as integer) as row_index,
        nullif(trim(cast(code as varchar)), '') as code,
        cast(name as varchar) as row_name,
        cast(item as varchar) as three_public_item,
        cast(side as varchar) as summary_side,
        cast(column_key as varchar) as column_key,
        cast(amount as varchar) as amount_text,
        -- as printed, in the table's unit; six decimals so nothing printed is rounded away before ×10000
        try_cast(cast(amount as varchar) as decimal(20, 6)) as amount_in_unit,
        -- row structure as the parser read it (docs/contracts.md §4)
        cast(row_role as varchar) as row_role,
        cast(row_level as integer) as row_level,
        cast(code_source as varchar) as code_source,
        nullif(trim(cast(unit_code as varchar)), '') as unit_code,
        cast(other_codes as varchar) as other_codes,
        -- text_layer | ocr (a lake written before the column existed: text_layer), and the OCR confidence
        coalesce(cast(source as varchar), '{{ var("amount_sources")[0] }}') as read_by,
        try_cast(confidence as double) as ocr_confidence
    from source
)

select * from renamed
