{#- One spelling of a publishing unit's name: full-width brackets to ASCII,
    no whitespace (PDF extraction inserts spaces and line breaks). -#}
{% macro normalise_unit_name(name) -%}
    nullif(regexp_replace(replace(replace(trim({{ name }}), '（', '('), '）', ')'), '\s+', '', 'g'), '')
{%- endmacro %}
