with source as (
    select * from {{ raw_source('landing', 'manifest', ['run_id', 'attempt_id', 'portal_id', 'url', 'detail_url', 'title',
        'publish_date', 'fiscal_year', 'doc_type', 'unit_name', 'fetched_at', 'http_status', 'outcome', 'error', 'etag',
        'last_modified', 'size_bytes', 'detected_type', 'sha256', 'landing_path']) }}
),

renamed as (
    select
        cast(run_id as varchar) as crawl_run_id,
        cast(attempt_id as varchar) as fetch_attempt_id,
        cast(portal_id as varchar) as portal_id,
        cast(url as varchar) as attachment_url,
        cast(detail_url as varchar) as detail_page_url,
        cast(title as varchar) as posting_title,
        cast(publish_date as date) as publish_date,
        cast(fiscal_year as integer) as fiscal_year,
        cast(doc_type as varchar) as doc_type,
        cast(unit_name as varchar) as unit_name,
        cast(fetched_at as timestamptz) as fetched_at,
        cast(http_status as integer) as http_status,
        cast(outcome as varchar) as fetch_outcome,
        cast(error as varchar) as fetch_error,
        cast(size_bytes as bigint) as size_bytes,
        cast(detected_type as varchar) as detected_type,
        cast(sha256 as varchar) as document_sha256,
        cast(landing_path as varchar) as landing_path
    from source
)

select * from renamed
