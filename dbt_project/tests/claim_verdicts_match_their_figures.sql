-- The parser decides each claim's verdict (parsers/claim_figures.py verdict, the one
-- definition); this test holds it to the figures the warehouse computes from the same
-- raw row: unresolved exactly when no table figure, agrees within the rounding
-- tolerance or by truncation (table − claim in [0, one step of the sentence)), differs beyond.
select document_sha256, claim_index, verdict, claim_yuan, table_yuan, rounding_tolerance, agrees_by_truncation
from {{ ref('int_claim_checks') }}
where (verdict = 'unresolved') <> (table_yuan is null or claim_yuan is null)
   or (verdict = 'agrees' and not agrees_by_truncation and abs(claim_yuan - table_yuan) > rounding_tolerance)
   or (verdict = 'agrees' and agrees_by_truncation
       and not (table_yuan - claim_yuan >= 0
                and table_yuan - claim_yuan < {{ printed_step('amount_text') }} * {{ claim_unit_factor('claim_unit') }}))
   or (verdict = 'differs' and abs(claim_yuan - table_yuan) <= rounding_tolerance)
