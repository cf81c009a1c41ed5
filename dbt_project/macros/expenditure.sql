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
