-- A printed figure that is not a number, or printed under a unit other than 元 / 万元,
-- cannot reach the facts; say so (the quality stage decides whether to quarantine).
{{ config(severity='warn') }}

select document_sha256, table_index, row_index, column_key, amount_text, amount_unit, amount_problem
from {{ ref('int_amounts_yuan') }}
where amount_problem is not null
