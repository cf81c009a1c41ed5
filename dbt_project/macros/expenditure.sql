{#- Expenditure tables print, per coded row, a total and usually its split into
    two expenditure types (基本支出 / 项目支出 by function; 人员经费 / 公用经费 in
    the basic expenditure table by economic class). Both expenditure facts read
    them by one rule, kept here: one row per printed split amount, or one
    'unsplit' row carrying the total when the row prints no split. A printed row
    is (document, table, row); its amounts are DECIMAL(18,2) yuan from
    `amounts` (int_amounts_yuan), restricted to `table_kinds` and to the one
    published table per document and kind that facts read (int_fact_tables). `parts_of` maps a
    split key to the columns that make it up where a table prints those instead
    (基本支出 printed only as 人员经费 | 公用经费): the split amount is then their sum. -#}
{% macro amounts_by_expenditure_type(amounts, table_kinds, split_keys, parts_of={}) -%}
    with printed_rows as (
        select
            document_sha256,
            table_kind,
            table_index,
            row_index,
            code,
            amount_unit,
            min(page_number) as page_number,
            {%- for key in split_keys %}
            {%- if key in parts_of %}
            coalesce(max(amount_yuan) filter (where column_key = '{{ key }}'),
                     sum(amount_yuan) filter (where column_key in {{ sql_list(parts_of[key]) }})) as {{ key }}_yuan,
            {%- else %}
            max(amount_yuan) filter (where column_key = '{{ key }}') as {{ key }}_yuan,
            {%- endif %}
            {%- endfor %}
            max(amount_yuan) filter (where column_key = 'total') as total_yuan
        from {{ amounts }} as printed_amount
        where table_kind in {{ sql_list(table_kinds) }}
            and code is not null
            and column_key in {{ sql_list(['total'] + split_keys + (parts_of.values() | sum(start=[]))) }}
            and amount_yuan is not null
            and exists (
                select 1 from {{ ref('int_fact_tables') }} as fact_table
                where fact_table.document_sha256 = printed_amount.document_sha256
                    and fact_table.table_index = printed_amount.table_index)
        group by all
    )

    {% for key in split_keys -%}
    select *, '{{ key }}' as expenditure_type, {{ key }}_yuan as amount_yuan from printed_rows where {{ key }}_yuan is not null
    union all
    {% endfor -%}
    select *, 'unsplit' as expenditure_type, total_yuan as amount_yuan from printed_rows
    where {% for key in split_keys %}{{ key }}_yuan is null and {% endfor %}total_yuan is not null
{%- endmacro %}

{#- The expenditure facts' one shape: `printed` (a relation of printed rows: document_sha256,
    code, amount_yuan, amount_unit, table_index, page_number, and the `splits` columns) summed per
    document × code × splits, with the document's columns (department, region, year, type, from
    dim_document's reportable documents) and the provenance of the sum (printed unit, first table
    and page, rows summed, URL). `classification` names the code columns (function_code,
    economic_code …), `key_parts` the grain in the order of the surrogate key's md5.
    On a delta night only the documents in the night's scope are read (macros/delta.sql). -#}
{% macro expenditure_fact(printed, key_name, classification, splits, key_parts) -%}
with documents as (
    select * from {{ ref('dim_document') }}
    where is_reportable and {{ in_delta_scope('document_sha256') }}
),

grained as (
    select
        document_sha256,
        code as {{ classification }}_code,
        {%- for split in splits %}
        {{ split }},
        {%- endfor %}
        sum(amount_yuan) as amount_yuan,
        min(amount_unit) as printed_unit,
        min(table_index) as table_index,
        min(page_number) as page_number,
        count(*) as n_printed_rows
    from {{ printed }}
    group by document_sha256, code{% for split in splits %}, {{ split }}{% endfor %}
)

select
    md5(concat_ws('|', {% for part in ['document_sha256'] + key_parts %}grained.{{ part }}{{ ", " if not loop.last }}{% endfor %}))
        as {{ key_name }},
    grained.document_sha256,
    documents.department_key,
    documents.region_code,
    documents.fiscal_year,
    documents.doc_type,
    documents.fiscal_year || ':' || grained.{{ classification }}_code as {{ classification }}_class_key,
    grained.{{ classification }}_code,
    length(grained.{{ classification }}_code) as {{ classification }}_code_length,
    {%- for split in splits %}
    grained.{{ split }},
    {%- endfor %}
    cast(grained.amount_yuan as decimal(18, 2)) as amount_yuan,
    grained.printed_unit,
    grained.table_index,
    grained.page_number,
    grained.n_printed_rows,
    documents.attachment_url
from grained
inner join documents using (document_sha256)
{%- endmacro %}

