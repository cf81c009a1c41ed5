with source as (
    select * from {{ raw_source('raw', 'claims', ['sha256', 'claim_index', 'page', 'subject', 'amount', 'unit', 'share',
        'change', 'change_direction', 'text', 'change_unit', 'change_percent', 'code', 'figure', 'resolved_table_index',
        'resolved_row_index', 'resolved_column_key', 'resolved_amount', 'resolved_unit', 'resolved_page',
        'resolved_row_name', 'resolved_n_terms', 'resolved_prior_amount', 'n_candidates', 'resolution_note',
        'verdict', 'agrees_by_truncation', 'unresolved_class']) }}
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
        cast(text as varchar) as claim_text,
        -- what the claim names and where the tables print it (parsers/claim_figures.py)
        cast(change_unit as varchar) as change_unit,
        try_cast(cast(change_percent as varchar) as decimal(9, 2)) as change_percent,
        cast(change_percent as varchar) as change_percent_text,
        cast(code as varchar) as printed_code,
        cast(figure as varchar) as figure,
        cast(resolved_table_index as integer) as resolved_table_index,
        cast(resolved_row_index as integer) as resolved_row_index,
        cast(resolved_column_key as varchar) as resolved_column_key,
        cast(resolved_amount as varchar) as resolved_amount_text,
        try_cast(cast(resolved_amount as varchar) as decimal(20, 6)) as resolved_amount_in_unit,
        cast(resolved_unit as varchar) as resolved_unit,
        cast(resolved_page as integer) as resolved_page_number,
        cast(resolved_row_name as varchar) as resolved_row_name,
        cast(resolved_n_terms as integer) as resolved_n_terms,
        try_cast(cast(resolved_prior_amount as varchar) as decimal(20, 6)) as resolved_prior_amount_in_unit,
        cast(n_candidates as integer) as n_candidates,
        cast(resolution_note as varchar) as resolution_note,
        -- the verdict as the parser decided it (parsers/claim_figures.py verdict: the one definition)
        cast(verdict as varchar) as parsed_verdict,
        cast(agrees_by_truncation as boolean) as parsed_agrees_by_truncation,
        cast(unresolved_class as varchar) as unresolved_class
    from source
)

select * from renamed
