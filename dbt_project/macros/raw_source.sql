{#- Select from an external Parquet source, or from an empty relation with the
    same columns when its glob matches no file yet (a first run, or a lake with
    no performance-target tables): DuckDB's read_parquet fails on an empty glob.
    `columns` names the source's columns; staging casts every one of them. -#}
{% macro raw_source(source_name, table_name, columns) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute and relation.external -%}
        {#- the external location is read_parquet('<glob>', ...): its first quoted string is the glob,
            a SQL literal ("'" doubled, see _sources.yml), kept as such for the glob() below -#}
        {%- set glob = modules.re.search("'((?:[^']|'')+)'", relation.external).group(1) -%}
        {#- an incremental run of the night's delta (macros/delta.sql) reads only its documents' files -#}
        {%- set files = delta_files(glob) -%}
        {%- if files is not none -%}
            {%- set n_files = files | length -%}
            {%- if n_files -%}
                {%- set relation = "read_parquet(['" ~ (files | map('replace', "'", "''") | join("', '")) ~ "'], union_by_name = true)" -%}
            {%- endif -%}
        {%- else -%}
            {%- set n_files = run_query("select count(*) from glob('" ~ glob ~ "')").columns[0].values()[0] -%}
        {%- endif -%}
        {%- if n_files == 0 -%}
            (select {% for column in columns %}cast(null as varchar) as {{ column }}{{ ", " if not loop.last }}{% endfor %} where false)
        {%- else -%}
            {#- a lake written before a column existed (older parser) reads it as NULL, so a
                new column never breaks the build of an existing lake (re-parse to fill it) -#}
            {%- set present = run_query("select column_name from (describe select * from " ~ relation ~ ")").columns[0].values() | list -%}
            {%- set missing = columns | reject('in', present) | list -%}
            {%- if missing -%}
                (select *{% for column in missing %}, cast(null as varchar) as {{ column }}{% endfor %} from {{ relation }})
            {%- else -%}
                {{ relation }}
            {%- endif -%}
        {%- endif -%}
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{% endmacro %}
