-- One row per narrative claim, next to the table figure it names (resolved by the
-- parser, parsers/claim_figures.py), both in yuan, with the verdict and the checks of
-- the change the sentence states. Exact DECIMAL throughout, never DOUBLE.
with claims as (
    select * from {{ ref('stg_raw__claims') }}
),

documents as (
    select document_sha256, department_key, unit_name, fiscal_year, doc_type, region_code
    from {{ ref('int_documents') }}
),

tables as (
    select document_sha256, table_index, any_value(table_kind) as table_kind, any_value(table_title) as table_title
    from {{ ref('stg_raw__amounts') }}
    group by document_sha256, table_index
),

document_scale as (
    -- the largest printed figure of each document: a claim 100 × beyond it is in the wrong unit
    select document_sha256, max(abs(amount_yuan)) as max_table_yuan
    from {{ ref('int_amounts_yuan') }}
    group by document_sha256
),

in_yuan as (
    select
        claims.*,
        cast(claims.amount_in_unit * {{ claim_unit_factor('claims.claim_unit') }} as decimal(18, 2)) as claim_yuan,
        cast(claims.resolved_amount_in_unit * {{ claim_unit_factor('claims.resolved_unit') }} as decimal(18, 2)) as table_yuan,
        cast(claims.resolved_prior_amount_in_unit * {{ claim_unit_factor('claims.resolved_unit') }} as decimal(18, 2))
            as prior_column_yuan,
        cast(({{ printed_step('claims.amount_text') }} * {{ claim_unit_factor('claims.claim_unit') }}
              + coalesce(claims.resolved_n_terms, 1) * {{ printed_step('claims.resolved_amount_text') }}
                * {{ claim_unit_factor('claims.resolved_unit') }}) / 2 as decimal(18, 3)) as rounding_tolerance,
        -- the stated change, signed, in yuan (its own unit when the sentence writes one)
        case claims.change_direction
            when 'flat' then 0::decimal(18, 2)
            when 'increase' then cast(claims.change_in_unit
                * {{ claim_unit_factor('coalesce(claims.change_unit, claims.claim_unit)') }} as decimal(18, 2))
            when 'decrease' then cast(-claims.change_in_unit
                * {{ claim_unit_factor('coalesce(claims.change_unit, claims.claim_unit)') }} as decimal(18, 2))
        end as stated_change_yuan,
        case claims.change_direction when 'decrease' then -claims.change_percent else claims.change_percent end
            as stated_change_percent,
        -- agreement by truncation (上海: 13,616,271 元 said as 1361 万元) as the parser decided it
        coalesce(claims.parsed_agrees_by_truncation, false) as agrees_by_truncation
    from claims
),

with_documents as (
    select
        in_yuan.*,
        documents.department_key, documents.unit_name, documents.fiscal_year, documents.doc_type, documents.region_code,
        tables.table_kind as resolved_table_kind,
        tables.table_title as resolved_table_title,
        document_scale.max_table_yuan
    from in_yuan
    left join documents using (document_sha256)
    left join tables
        on tables.document_sha256 = in_yuan.document_sha256 and tables.table_index = in_yuan.resolved_table_index
    left join document_scale using (document_sha256)
),

prior_year as (
    -- the same figure in the same department's previous-year document of the same type
    select
        department_key, fiscal_year + 1 as fiscal_year, doc_type, figure,
        coalesce(printed_code, resolved_row_name, '') as figure_detail,
        -- a department may have several previous-year documents of one type (versions):
        -- the first by hash, then by claim, so every build picks the same one
        cast(any_value(coalesce(table_yuan, claim_yuan) order by document_sha256, claim_index) as decimal(18, 2))
            as prior_document_yuan,
        any_value(document_sha256 order by document_sha256, claim_index) as prior_document_sha256
    from with_documents
    where figure is not null and department_key is not null
    group by all
),

checked as (
    select
        c.*,
        p.prior_document_yuan,
        p.prior_document_sha256,
        cast(c.claim_yuan - c.table_yuan as decimal(18, 2)) as difference_yuan,
        -- the parser's verdict (parsers/claim_figures.py verdict, also read by the GX claims batch);
        -- a claim parsed before verdicts were recorded (parser < 1.2) is re-parsed, till then unresolved
        coalesce(c.parsed_verdict, 'unresolved') as verdict,
        -- the base the stated change implies (this year's figure less the change)
        cast(c.claim_yuan - c.stated_change_yuan as decimal(18, 2)) as implied_previous_yuan
    from with_documents c
    left join prior_year p
        on p.department_key = c.department_key and p.fiscal_year = c.fiscal_year and p.doc_type = c.doc_type
        and p.figure = c.figure and p.figure_detail = coalesce(c.printed_code, c.resolved_row_name, '')
)

select
    *,
    -- a figure that agrees once read in the other unit (元 ↔ 万元), or is 100 × beyond
    -- every figure the document's tables print: the sentence's unit is wrong
    case
        when verdict = 'differs' and (abs(claim_yuan / 10000 - table_yuan) <= rounding_tolerance
                                      or abs(claim_yuan * 10000 - table_yuan) <= rounding_tolerance * 10000)
            then true
        when verdict = 'unresolved' and max_table_yuan > 0 and claim_yuan > 100 * max_table_yuan then true
        else false
    end as unit_suspect,
    -- the stated percentage against the stated amounts (one step of the printed percentage)
    case when stated_change_percent is not null and stated_change_yuan is not null and implied_previous_yuan <> 0
         then cast(stated_change_yuan * 100 / implied_previous_yuan as decimal(12, 2)) end as implied_change_percent,
    case
        when stated_change_percent is null or stated_change_yuan is null or implied_previous_yuan is null then null
        when implied_previous_yuan = 0 then null
        when abs(stated_change_yuan * 100 / implied_previous_yuan - stated_change_percent)
             <= {{ printed_step('change_percent_text') }} then 'agrees'
        else 'differs'
    end as change_percent_verdict,
    -- the stated change against the table's 上年 column, when it prints one
    case
        when stated_change_yuan is null or prior_column_yuan is null or table_yuan is null then null
        when abs((table_yuan - prior_column_yuan) - stated_change_yuan) <= 2 * rounding_tolerance then 'agrees'
        else 'differs'
    end as change_column_verdict,
    -- ... and against the previous-year document in the warehouse
    case
        when stated_change_yuan is null or prior_document_yuan is null or coalesce(table_yuan, claim_yuan) is null then null
        when abs((coalesce(table_yuan, claim_yuan) - prior_document_yuan) - stated_change_yuan) <= 2 * rounding_tolerance
            then 'agrees'
        else 'differs'
    end as change_prior_document_verdict
from checked
