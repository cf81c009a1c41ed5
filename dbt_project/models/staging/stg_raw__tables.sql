-- One row per parsed table, empty ones included (docs/contracts.md §5 `tables`): what the
-- document printed, whether or not it carries a figure, so a document's tables can be counted
-- as published or withheld.
with source as (
    select * from {{ raw_source('raw', 'tables', ['sha256', 'table_index', 'table_kind', 'title', 'unit',
        'unit_source', 'pages', 'columns', 'n_rows', 'note']) }}
),

renamed as (
    select
        cast(sha256 as varchar) as document_sha256,
        cast(table_index as integer) as table_index,
        cast(table_kind as varchar) as table_kind,
        cast(title as varchar) as table_title,
        cast(unit as varchar) as table_unit,
        -- printed (its own 单位： line) | inferred (the document's or the neighbouring tables')
        cast(unit_source as varchar) as unit_source,
        cast(pages as varchar) as pages_json,
        cast(columns as varchar) as columns_json,
        cast(n_rows as integer) as n_rows,
        cast(note as varchar) as table_note
    from source
)

select * from renamed
