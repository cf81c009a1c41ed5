{#- ('a', 'b') from a list of strings, for `in` clauses over project vars -#}
{% macro sql_list(values) -%}
    ({% for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}
