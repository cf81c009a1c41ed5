with source as (
    select * from {{ raw_source('raw', 'documents', ['sha256', 'source_path', 'format', 'status', 'error', 'unit_name',
        'fiscal_year', 'doc_type', 'currency_unit', 'n_pages', 'n_tables', 'parser_version', 'parsed_at',
        'disclosure']) }}
),

renamed as (
    select
        cast(sha256 as varchar) as document_sha256,
        cast(source_path as varchar) as source_path,
        cast(format as varchar) as file_format,
        cast(status as varchar) as parse_status,
        cast(error as varchar) as parse_error,
        cast(unit_name as varchar) as unit_name,
        cast(fiscal_year as integer) as fiscal_year,
        cast(doc_type as varchar) as doc_type,
        cast(currency_unit as varchar) as currency_unit,
        cast(n_pages as integer) as n_pages,
        cast(n_tables as integer) as n_tables,
        cast(parser_version as varchar) as parser_version,
        cast(parsed_at as timestamptz) as parsed_at,
        -- the national template's items it disclosed (parsers/disclosure.py), JSON text
        cast(disclosure as varchar) as disclosure_json
    from source
)

select * from renamed
