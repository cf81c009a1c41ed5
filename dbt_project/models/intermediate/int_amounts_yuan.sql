-- Every printed amount, in yuan as DECIMAL(18,2), with the unit it was printed in.
-- A table without its own unit line takes the document's currency unit.
with amounts as (
    select * from {{ ref('stg_raw__amounts') }}
    {{ delta_filter('document_sha256') }}  -- incremental: the night's documents only (macros/delta.sql)
),

documents as (
    select document_sha256, currency_unit from {{ ref('stg_raw__documents') }}
),

with_unit as (
    select
        amounts.*,
        coalesce(nullif(trim(amounts.table_unit), ''), nullif(trim(documents.currency_unit), '')) as amount_unit
    from amounts
    left join documents using (document_sha256)
),

converted as (
    select
        *,
        {{ unit_factor('amount_unit') }} as yuan_per_unit,
        {{ to_yuan('amount_in_unit', 'amount_unit') }} as amount_yuan
    from with_unit
)

select
    *,
    case
        when amount_in_unit is null then 'unparseable_amount'
        when yuan_per_unit is null then 'unknown_unit'
    end as amount_problem
from converted
