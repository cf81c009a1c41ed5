-- One row per parsed budget / final-account document × item of the national template
-- (seed disclosure_template): its status as the parser read it (parsers/disclosure.py)
-- and the credit it earns: a table present or empty with its note 1, empty without a
-- note 0.5, missing 0; an explanation given 1, missing 0; a label the share of the
-- standard tables that carry it. An item the parser could not know (no page text)
-- has no credit and leaves the score's denominator.
with documents as (
    select document_sha256, disclosure_json
    from {{ ref('stg_raw__documents') }}
    where parse_status = 'ok' and doc_type in ('budget', 'final_account') and disclosure_json is not null
),

template as (
    select * from {{ ref('disclosure_template') }}
),

items as (
    select
        documents.document_sha256,
        template.item,
        template.item_group,
        template.label,
        template.weight,
        json_extract_string(documents.disclosure_json, '$.' || template.item) as status
    from documents
    cross join template
)

select
    *,
    case
        when status is null then null
        when item_group = 'label' then
            case when split_part(status, '/', 2) in ('', '0') then 0::decimal(5, 4)
                 else cast(cast(split_part(status, '/', 1) as decimal(9, 0))
                           / cast(split_part(status, '/', 2) as decimal(9, 0)) as decimal(5, 4)) end
        when status in ('present', 'empty_with_note', 'given') then 1::decimal(5, 4)
        when status = 'empty_without_note' then 0.5::decimal(5, 4)
        else 0::decimal(5, 4)
    end as credit
from items
