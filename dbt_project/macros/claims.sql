{#- Claims against figures (models/intermediate/int_claim_checks.sql). -#}

{#- yuan per unit of a unit written in a sentence (亿元 too); NULL when unknown -#}
{% macro claim_unit_factor(unit) -%}
    case trim({{ unit }}) when '元' then 1::decimal(10, 0) when '万元' then 10000::decimal(10, 0)
                          when '千元' then 1000::decimal(10, 0) when '亿元' then 100000000::decimal(10, 0) end
{%- endmacro %}

{#- the step a decimal text was printed with (12.3 → 0.1, 12.30 → 0.01, 12 → 1), exact DECIMAL -#}
{% macro printed_step(text) -%}
    case coalesce(length({{ text }}) - nullif(strpos({{ text }}, '.'), 0), 0)
        when 0 then 1::decimal(12, 6) when 1 then 0.1::decimal(12, 6) when 2 then 0.01::decimal(12, 6)
        when 3 then 0.001::decimal(12, 6) when 4 then 0.0001::decimal(12, 6) when 5 then 0.00001::decimal(12, 6)
        else 0.000001::decimal(12, 6) end
{%- endmacro %}
