{#- Schemas are named by layer (staging, intermediate, marts, reference,
    snapshots) rather than dbt's default <target>_<layer>, so BI tools and the
    quality stage address marts.fct_... the same way in every environment. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
