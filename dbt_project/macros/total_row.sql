{#- The total row of a table, as countybudget.identities.is_total_row defines it:
    no code and a name (spaces removed) containing one of var('total_row_markers')
    (合计 / 总计), which `countybudget build` passes from identities.TOTAL_ROW_MARKERS. -#}
{% macro is_total_row(code, name) -%}
    ({{ code }} is null and (
        {%- for marker in var('total_row_markers') -%}
        strpos(replace(replace({{ name }}, ' ', ''), '　', ''), '{{ marker }}') > 0{{ " or " if not loop.last }}
        {%- endfor -%}))
{%- endmacro %}
